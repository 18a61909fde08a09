/**
 * The layout's boundaries bite: a file that crosses one fails `npm run lint`
 * with the project's real ESLint config (the cases the issue found linting
 * clean before), and the same file without the crossing passes.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'project/folder-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('src/shared/protocol/ may import neither react nor src/web', async () => {
    const errors = await boundaryErrors(
      'src/shared/protocol/violation.ts',
      "import { useState } from 'react';\nimport type { AppClient } from '../../web/app-client';\nexport type X = AppClient;\nexport const y = useState;\n",
    );
    expect(errors).toEqual([
      expect.stringContaining('src/shared may not import react'),
      expect.stringContaining('src/shared may not import src/web'),
    ]);
  });

  it('src/server/http/ may not import src/sync', async () => {
    const errors = await boundaryErrors('src/server/http/violation.ts', "import { createActions } from '../../sync/actions';\nexport const a = createActions;\n");
    expect(errors).toEqual([expect.stringContaining('src/server may not import src/sync')]);
  });

  it('src/sync may import neither src/web, src/app, src/sw nor src/server, at any depth and by dynamic import', async () => {
    const code = [
      "import { auth } from '../../web/auth';",
      "import type { ViewName } from '../../app/router';",
      "export * from '../../sw/messages';",
      "export const s = () => import('../../server/app');",
      'export const a = auth; export type V = ViewName;',
    ].join('\n');
    const errors = await boundaryErrors('src/sync/watermelon/violation.ts', code);
    expect(errors.map((e) => e.split(':')[0])).toEqual([
      'src/sync may not import src/web',
      'src/sync may not import src/app',
      'src/sync may not import src/sw',
      'src/sync may not import src/server',
    ]);
  });

  it('src/app may not import src/server', async () => {
    const errors = await boundaryErrors('src/app/components/violation.tsx', "import { buildApp } from '../../server/app';\nexport const b = buildApp;\n");
    expect(errors).toEqual([expect.stringContaining('src/app may not import src/server')]);
  });

  it('imports within the allowed folders lint clean', async () => {
    expect(await boundaryErrors('src/shared/protocol/fine.ts', "import { z } from 'zod';\nimport { LIMITS } from '../schema';\nexport const a = [z, LIMITS];\n")).toEqual([]);
    expect(await boundaryErrors('src/sync/watermelon/fine.ts', "import { schema } from '../../db';\nimport { LIMITS } from '../../shared/schema';\nexport const a = [schema, LIMITS];\n")).toEqual([]);
  });
});
