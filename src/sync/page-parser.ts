/**
 * Parses a pull page while it arrives, without holding its text and its
 * records at once. The server writes each record of a page on a line of its
 * own (src/server/replication/pull.ts); every such line is parsed alone and
 * dropped, and only the frame around the records (keys, cursor, `more`) is
 * kept as text. A page laid out otherwise (its first line is not the
 * server's) is still parsed, as a whole, at the end. Pure text in, value out: the transport decodes the bytes.
 *
 * Given `check`, each record is checked as its line arrives, while the rest
 * of the page is still on its way, and the checked value is kept instead.
 */
export interface PageParser {
  /** The next piece of the body's text (any split). */
  write(text: string): void;
  /** The parsed page; throws SyntaxError when it is not JSON. */
  end(): unknown;
  /** After end(): whether every record went through `check` (false for a page laid out otherwise). */
  readonly checkedAll: boolean;
}

/** Checks one record of `changes[table][kind]`, returning the value to keep; throws to refuse the page. */
export type RecordCheck = (table: string, kind: string, record: unknown) => unknown;

/**
 * The server's lines that open an array, whole: `{"changes":{"users":{"created":[`,
 * `]},"references":{"created":[` and `],"updated":[`. Any other line opening one
 * leaves its records unchecked (then the whole page is checked at the end).
 */
const OPENS_TABLE = /^(?:\{"changes":\{|\]\},)"([^"\\]+)":\{"([^"\\]+)":\[$/;
const OPENS_KIND = /^\],"([^"\\]+)":\[$/;
/** Joins the keys of a path: a character no label can hold (labels have no escapes). */
const SEP = '\u0000';

export function createPageParser(check?: RecordCheck): PageParser {
  let rest = '';
  const frame: string[] = [];
  /** Records per array the frame opens at a line's end, in the order they open. */
  const filled: unknown[][] = [];
  let open: unknown[] | null = null;
  /** '[' of the frame so far, and which of them (by index) ended a line. */
  let brackets = 0;
  const lineArrays: number[] = [];
  /** Per array the frame opens at a line's end: where its line said it is (changes, table, kind). */
  const labels: (string | null)[] = [];
  /** Decided by the first line: the server's layout starts `{"changes":{"users":{"created":[`. */
  let byLine: boolean | null = null;
  /** The table and kind of the array open now, when its line named them. */
  let table: string | null = null;
  let kind: string | null = null;
  let unchecked = false;

  const line = (text: string) => {
    if (!text) return;
    byLine ??= text.endsWith('[') && !/\s/.test(text);
    if (!byLine) {
      frame.push(text, '\n');
      return;
    }
    const first = text[0];
    if (open && (first === '{' || first === '"')) {
      const record: unknown = JSON.parse(text.endsWith(',') ? text.slice(0, -1) : text);
      if (check && table !== null && kind !== null) open.push(check(table, kind, record));
      else {
        unchecked = true;
        open.push(record);
      }
      return;
    }
    frame.push(text);
    if (first === ']') open = null;
    for (let i = 0; i < text.length; i += 1) if (text[i] === '[') brackets += 1;
    if (text.endsWith('[')) {
      const opens = OPENS_TABLE.exec(text);
      const next = OPENS_KIND.exec(text);
      if (opens) [table, kind] = [opens[1]!, opens[2]!];
      else if (next) kind = next[1]!;
      else table = kind = null;
      open = [];
      filled.push(open);
      labels.push(table !== null && kind !== null ? ['changes', table, kind].join(SEP) : null);
      lineArrays.push(brackets - 1);
    }
  };

  return {
    get checkedAll() {
      return Boolean(check) && byLine === true && !unchecked;
    },
    write(text) {
      rest += text;
      let start = 0;
      for (let at = rest.indexOf('\n'); at >= 0; at = rest.indexOf('\n', start)) {
        line(rest.slice(start, at));
        start = at + 1;
      }
      rest = start ? rest.slice(start) : rest;
    },
    end() {
      line(rest);
      rest = '';
      const value: unknown = JSON.parse(frame.join(''));
      if (!filled.length) return value;
      // The frame's arrays in document order are its '[' in text order, each with its path.
      const arrays: unknown[][] = [];
      const paths: string[] = [];
      const walk = (node: unknown, path: string) => {
        if (Array.isArray(node)) {
          arrays.push(node);
          paths.push(path);
          // Items in the frame's own text were not checked one by one.
          if (node.length) unchecked = true;
          node.forEach((item, i) => walk(item, `${path}${SEP}${i}`));
        } else if (node && typeof node === 'object') for (const [key, item] of Object.entries(node)) walk(item, path ? `${path}${SEP}${key}` : key);
      };
      walk(value, '');
      if (arrays.length !== brackets) throw new SyntaxError('pull page: the frame does not match its records');
      lineArrays.forEach((index, i) => {
        const target = arrays[index]!;
        // Checked as what its line said it is: only good if that is where the frame puts it.
        if (labels[i] !== paths[index]) unchecked = true;
        for (const item of filled[i]!) target.push(item);
      });
      return value;
    },
  };
}
