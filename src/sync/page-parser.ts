/**
 * Parses a pull page while it arrives, without holding its text and its
 * records at once. The server writes each record of a page on a line of its
 * own (src/server/replication/pull.ts); every such line is parsed alone and
 * dropped, and only the frame around the records (keys, cursor, `more`) is
 * kept as text. A page laid out otherwise (its first line is not the
 * server's) is still parsed, as a whole, at the end. Pure text in, value out: the transport decodes the bytes.
 */
export interface PageParser {
  /** The next piece of the body's text (any split). */
  write(text: string): void;
  /** The parsed page; throws SyntaxError when it is not JSON. */
  end(): unknown;
}

export function createPageParser(): PageParser {
  let rest = '';
  const frame: string[] = [];
  /** Records per array the frame opens at a line's end, in the order they open. */
  const filled: unknown[][] = [];
  let open: unknown[] | null = null;
  /** '[' of the frame so far, and which of them (by index) ended a line. */
  let brackets = 0;
  const lineArrays: number[] = [];
  /** Decided by the first line: the server's layout starts `{"changes":{"users":{"created":[`. */
  let byLine: boolean | null = null;

  const line = (text: string) => {
    if (!text) return;
    byLine ??= text.endsWith('[') && !/\s/.test(text);
    if (!byLine) {
      frame.push(text, '\n');
      return;
    }
    const first = text[0];
    if (open && (first === '{' || first === '"')) {
      open.push(JSON.parse(text.endsWith(',') ? text.slice(0, -1) : text));
      return;
    }
    frame.push(text);
    if (first === ']') open = null;
    for (let i = 0; i < text.length; i += 1) if (text[i] === '[') brackets += 1;
    if (text.endsWith('[')) {
      open = [];
      filled.push(open);
      lineArrays.push(brackets - 1);
    }
  };

  return {
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
      // The frame's arrays in document order are its '[' in text order.
      const arrays: unknown[][] = [];
      const walk = (node: unknown) => {
        if (Array.isArray(node)) {
          arrays.push(node);
          node.forEach(walk);
        } else if (node && typeof node === 'object') Object.values(node).forEach(walk);
      };
      walk(value);
      if (arrays.length !== brackets) throw new SyntaxError('pull page: the frame does not match its records');
      lineArrays.forEach((index, i) => {
        const target = arrays[index]!;
        for (const item of filled[i]!) target.push(item);
      });
      return value;
    },
  };
}
