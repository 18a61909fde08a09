/**
 * A local ESLint rule: which project folder may import which. It resolves
 * every relative import against the importing file, so `../../web/x` from
 * src/shared/protocol/ is caught as surely as `../web/x` from src/shared/
 * (no-restricted-imports matches the written string, which is why its
 * patterns only half worked), and it names packages a folder must not use.
 *
 * Options: [{ folders: [{ from, forbid: [folder], packages: [name or 'prefix*'], why }] }]
 * Folders are paths relative to the ESLint working directory.
 */
import path from 'node:path';

function inside(file, folder) {
  return file === folder || file.startsWith(`${folder}/`);
}

function packageMatches(specifier, pattern) {
  if (pattern.endsWith('*')) return specifier.startsWith(pattern.slice(0, -1));
  return specifier === pattern || specifier.startsWith(`${pattern}/`);
}

const folderImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps each project folder to the folders and packages it may depend on.' },
    schema: [
      {
        type: 'object',
        properties: {
          folders: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                from: { type: 'string' },
                forbid: { type: 'array', items: { type: 'string' } },
                packages: { type: 'array', items: { type: 'string' } },
                why: { type: 'string' },
              },
              required: ['from'],
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: { forbidden: '{{from}} may not import {{target}}: {{why}}' },
  },
  create(context) {
    const cwd = context.cwd;
    const file = path.relative(cwd, context.filename).split(path.sep).join('/');
    const rules = (context.options[0]?.folders ?? []).filter((rule) => inside(file, rule.from));
    if (rules.length === 0) return {};

    function check(node, specifier) {
      if (typeof specifier !== 'string') return;
      if (specifier.startsWith('.')) {
        const target = path.relative(cwd, path.resolve(path.dirname(context.filename), specifier)).split(path.sep).join('/');
        for (const rule of rules) {
          const folder = (rule.forbid ?? []).find((forbidden) => inside(target, forbidden));
          if (folder) context.report({ node, messageId: 'forbidden', data: { from: rule.from, target: folder, why: rule.why ?? 'a boundary of the layout' } });
        }
        return;
      }
      for (const rule of rules) {
        const pattern = (rule.packages ?? []).find((name) => packageMatches(specifier, name));
        if (pattern) context.report({ node, messageId: 'forbidden', data: { from: rule.from, target: specifier, why: rule.why ?? 'a boundary of the layout' } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      TSImportType: (node) => {
        const literal = node.argument?.literal ?? node.argument;
        if (literal?.type === 'Literal') check(literal, literal.value);
      },
    };
  },
};

export default { rules: { 'folder-imports': folderImports } };
