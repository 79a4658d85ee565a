/**
 * docs/ARCHITECTURE.md's Ports table says where each port is wired in `src/server.ts`, as calls
 * such as `createAccessModule({ receipts: ledger.ledger })`. Each such call must exist in
 * server.ts, pass every property the table names, and — where the table gives a plain value (a
 * name, `a.b`, or a list of them) — pass that value. A port renamed, removed or rewired without
 * the table fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();

/** The `name({ … })` spans of the Ports table's last column. */
function documentedCalls(): { call: string; name: string; body: string }[] {
  const doc = readFileSync(path.join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## Ports\n'), doc.indexOf('\n## The ledger\n'));
  const calls: { call: string; name: string; body: string }[] = [];
  for (const row of section.split('\n').filter((line) => line.startsWith('| '))) {
    const wiring = row.split(' | ').at(-1) ?? '';
    for (const [call, name, body] of wiring.matchAll(/`([A-Za-z]+)\(\{ ?(.*?) ?\}\)`/g))
      calls.push({ call, name: name!, body: body! });
  }
  return calls;
}

/** Splits `a, b: [x, y], c: f(p, q)` at its top-level commas. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((part) => part.length > 0);
}

const normalise = (text: string) => text.replace(/\s+/g, '').replace(/,(?=[\])])/g, '');

/** Every object-literal property passed to a call of `name` in server.ts: its name → value text. */
function serverCalls(source: ts.SourceFile, name: string): Map<string, string | undefined>[] {
  const found: Map<string, string | undefined>[] = [];
  const collect = (object: ts.ObjectLiteralExpression, into: Map<string, string | undefined>) => {
    for (const property of object.properties) {
      if (ts.isPropertyAssignment(property))
        into.set(property.name.getText(source), property.initializer.getText(source));
      else if (ts.isShorthandPropertyAssignment(property))
        into.set(property.name.text, property.name.text);
      else if (ts.isMethodDeclaration(property)) into.set(property.name.getText(source), undefined);
      else if (ts.isSpreadAssignment(property)) {
        // `...(jetstream ? { jetstream } : {})`: the properties it may add.
        const visit = (node: ts.Node): void => {
          if (ts.isObjectLiteralExpression(node)) collect(node, into);
          else ts.forEachChild(node, visit);
        };
        visit(property.expression);
      }
    }
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      node.expression.getText(source) === name &&
      node.arguments[0] &&
      ts.isObjectLiteralExpression(node.arguments[0])
    ) {
      const properties = new Map<string, string | undefined>();
      collect(node.arguments[0], properties);
      found.push(properties);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const serverFile = path.join(ROOT, 'src', 'server.ts');
const server = ts.createSourceFile(
  serverFile,
  readFileSync(serverFile, 'utf8'),
  ts.ScriptTarget.Latest,
  true,
);

describe('the Ports table matches src/server.ts', () => {
  const calls = documentedCalls();

  it('the table names the wiring of every module factory it lists', () => {
    expect(calls.map(({ name }) => name)).toEqual(
      expect.arrayContaining([
        'createRegistryModule',
        'createOutbox',
        'createAccessModule',
        'createMonitorResponseModule',
        'createConsentModule',
        'createPortalModule',
        'createMonitorModule',
        'createNotifyModule',
        'buildApp',
      ]),
    );
  });

  it.each(calls.map(({ call, name, body }) => [call, name, body] as const))(
    '%s',
    (_call, name, body) => {
      const candidates = serverCalls(server, name);
      expect(candidates, `server.ts calls ${name}({ … })`).toHaveLength(1);
      const passed = candidates[0]!;
      for (const part of topLevelParts(body)) {
        const colon = part.indexOf(':');
        const key = (colon < 0 ? part : part.slice(0, colon)).replace(/\?$/, '').trim();
        expect([...passed.keys()], `${name} is passed ${key}`).toContain(key);
        if (colon < 0) continue;
        const value = part.slice(colon + 1).trim();
        // A plain value is what server.ts passes: a list exactly; a name or `a.b` as it is or
        // inside an adapter (`(…) => late.access!.subjectsAccessedBy(…)`: bound late).
        const given = normalise(passed.get(key) ?? '').replace(/\blate\.|!(?=\.)/g, '');
        if (/^\[(\.\.\.)?[\w.]+(, (\.\.\.)?[\w.]+)*\]$/.test(value))
          expect(given, `${name}'s ${key}`).toBe(normalise(value));
        else if (/^[\w.]+$/.test(value))
          expect(given, `${name}'s ${key}`).toMatch(
            new RegExp(`(^|[^\\w.])${value.replace(/\./g, '\\.')}($|[^\\w])`),
          );
      }
    },
  );
});
