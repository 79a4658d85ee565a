/**
 * "Modules never read each other's tables" (docs/ARCHITECTURE.md, "Dependencies run one way"),
 * checked statically: every table belongs to the module whose `*.tables.ts` declares it, and the
 * code of a module (tests, test-support and migrations aside) names no other module's table in a
 * query — neither in a Kysely call (`selectFrom('systems')`, `innerJoin('consents as c', …)`) nor
 * in raw SQL (`from systems`, `join "consents"`). The import rule stops a module importing another's
 * table types; this stops the query an import rule cannot see (the registry's services, for one,
 * once took the composed `Kysely<Database>`, which compiles a query on any table; no module outside
 * storage/ may import that type now).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.join(process.cwd(), 'src');

/** The `…Tables` interfaces the modules declare, by name. */
const declaredInterfaces: string[] = [];

/** Table name → the module (folder below src/) whose `*.tables.ts` declares it. */
function tableOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const module of readdirSync(SRC, { withFileTypes: true })) {
    if (!module.isDirectory()) continue;
    const dir = path.join(SRC, module.name);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.tables.ts'))) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const tables = /export interface (\w+Tables)\s*\{([^}]*)\}/.exec(text);
      expect(tables, `${module.name}/${file} declares an interface …Tables`).not.toBeNull();
      declaredInterfaces.push(tables![1]!);
      for (const [, table] of tables![2]!.matchAll(/^\s*([a-z_][a-z0-9_]*)\s*:/gm)) {
        expect(owners.get(table!), `${table} declared once`).toBeUndefined();
        owners.set(table!, module.name);
      }
    }
  }
  return owners;
}

/** The module's source files that run in the server or the CLI (not tests, not migrations). */
function moduleSources(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test-support' && entry.name !== 'migrations')
        files.push(...moduleSources(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(full);
  }
  return files;
}

const QUERY_CALL =
  /\.\s*(?:selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin)\s*\(\s*['"`]([a-z_][a-z0-9_]*)/g;
const RAW_SQL = /\b(?:from|join|into|update|table)\s+"?([a-z_][a-z0-9_]*)/gi;

/** The tables a source text queries: its code with comments removed, Kysely calls and raw SQL. */
function tablesQueried(source: string, known: ReadonlyMap<string, string>): Set<string> {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard);
  scanner.setText(source);
  const tokens: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan())
    tokens.push(scanner.getTokenText());
  const code = tokens.join(' ');
  const tables = new Set<string>();
  for (const [, table] of code.matchAll(QUERY_CALL)) tables.add(table!);
  for (const [, word] of code.matchAll(RAW_SQL))
    if (known.has(word!.toLowerCase())) tables.add(word!.toLowerCase());
  return tables;
}

describe("no module queries another module's tables", () => {
  const owners = tableOwners();

  it('the composed Database is made of exactly the tables the modules declare, each owned once', () => {
    const database = readFileSync(path.join(SRC, 'storage', 'database.ts'), 'utf8');
    const composed = [...database.matchAll(/import type \{ (\w+Tables) \}/g)].map(([, t]) => t);
    expect(composed.sort()).toEqual([...declaredInterfaces].sort());
    expect(new Set(owners.values())).toEqual(
      new Set([
        'access',
        'consent',
        'ledger',
        'monitor',
        'notify',
        'outbox',
        'portal',
        'registry',
        'subjects',
      ]),
    );
    expect(owners.get('systems')).toBe('registry');
    expect(owners.get('subjects')).toBe('subjects');
  });

  it('each module names only its own tables in its queries', () => {
    const foreign: string[] = [];
    const queried = new Map<string, number>();
    for (const module of readdirSync(SRC, { withFileTypes: true })) {
      if (!module.isDirectory()) continue;
      for (const file of moduleSources(path.join(SRC, module.name))) {
        for (const table of tablesQueried(readFileSync(file, 'utf8'), owners)) {
          const owner = owners.get(table);
          queried.set(module.name, (queried.get(module.name) ?? 0) + 1);
          if (owner !== module.name)
            foreign.push(`${path.relative(SRC, file)}: ${table} (${owner ?? 'no module'}'s)`);
        }
      }
    }
    expect(foreign).toEqual([]);
    // The scan sees queries at all: each owning module queries its tables somewhere.
    for (const module of new Set(owners.values()))
      expect(queried.get(module), `${module} queries found`).toBeGreaterThan(0);
  });

  it('no module outside storage/ takes the composed Database type (so its queries are typed by its own tables)', () => {
    const users: string[] = [];
    for (const module of readdirSync(SRC, { withFileTypes: true })) {
      if (!module.isDirectory() || module.name === 'storage') continue;
      for (const file of moduleSources(path.join(SRC, module.name)))
        if (/from '(\.\.\/)+storage\/database\.js'/.test(readFileSync(file, 'utf8')))
          users.push(path.relative(SRC, file));
    }
    expect(users).toEqual([]);
  });

  it.each([
    ["await db.selectFrom('consents').selectAll().execute();", 'consents'],
    ["db.selectFrom('systems as s').innerJoin('subjects as x', 'x.id', 's.id')", 'subjects'],
    ['await sql`select count(*) from ledger_entries`.execute(db);', 'ledger_entries'],
    ['await sql`delete from "outbox" where id = ${id}`.execute(db);', 'outbox'],
  ])('the scan sees a query on another table: %s', (code, table) => {
    expect(tablesQueried(code, owners)).toContain(table);
  });

  it('comments and prose name no table', () => {
    const code =
      "/** Requests from systems. */\n// join consents later\nconst label = 'systems';\n";
    expect(tablesQueried(code, owners)).toEqual(new Set());
  });
});
