/**
 * A small import checker that keeps Tandem's layers honest (core below both engines, engines apart,
 * semantics free of wire codecs, product free of test code). It reads every import of the
 * TypeScript sources with the TypeScript compiler's own parser (already a pinned dev dependency),
 * which also tells a type-only import from one that loads code at run time; a maintained tool such
 * as dependency-cruiser would add a dependency tree for the same few prefix rules.
 * The rules themselves live in one table in scripts/architecture/layers.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportRef {
  /** Repo-relative path of the imported file (`.js` specifiers mapped back to their `.ts` source). */
  target: string;
  /** `import type`, `import { type A }` only, `export type … from`, or an `import('…')` type. */
  typeOnly: boolean;
  line: number;
}

export interface Source {
  /** Repo-relative, `/`-separated. */
  path: string;
  text: string;
}

/** A forbidden-import rule: files under `from` (minus `except`) must not import anything under `forbid`. */
export interface ForbidRule {
  name: string;
  from: string[];
  except?: string[];
  forbid: string[];
  /** Targets under these prefixes are allowed after all when the import is type-only. */
  allowTypeOnly?: string[];
}

/** Files under `from` (minus `except`) must not import from more than one of the `groups`. */
export interface NotBothRule {
  name: string;
  from: string[];
  except?: string[];
  notBoth: string[];
}

export type Rule = ForbidRule | NotBothRule;

export interface Violation {
  rule: string;
  file: string;
  line: number;
  target: string;
}

const under = (p: string, prefixes: readonly string[] | undefined): boolean => (prefixes ?? []).some((x) => p.startsWith(x));

/** Relative imports of one source file; package imports (`node:fs`, `typescript`) are nobody's layer. */
export function importsOf(src: Source): ImportRef[] {
  const sf = ts.createSourceFile(src.path, src.text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const add = (spec: ts.Expression | ts.LiteralTypeNode['literal'] | undefined, typeOnly: boolean, node: ts.Node): void => {
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) return;
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(src.path), spec.text));
    const target = joined.replace(/\.js$/, '.ts');
    out.push({ target, typeOnly, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allTypeElements = !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      // `import { type A }` alone is erased by tsc (this repo does not set verbatimModuleSyntax);
      // a bare `import './x.js'` runs the module: never type-only.
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && allTypeElements));
      add(node.moduleSpecifier, typeOnly, node);
    } else if (ts.isExportDeclaration(node)) {
      const elements = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node.isTypeOnly || (!!elements && elements.length > 0 && elements.every((e) => e.isTypeOnly)), node);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly, node);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false, node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every violation of `rules` among `sources`. */
export function check(sources: readonly Source[], rules: readonly Rule[]): Violation[] {
  const violations: Violation[] = [];
  for (const src of sources) {
    const refs = importsOf(src);
    for (const rule of rules) {
      if (!under(src.path, rule.from) || under(src.path, rule.except)) continue;
      if ('forbid' in rule) {
        for (const r of refs) {
          if (!under(r.target, rule.forbid)) continue;
          if (r.typeOnly && under(r.target, rule.allowTypeOnly)) continue;
          violations.push({ rule: rule.name, file: src.path, line: r.line, target: r.target });
        }
      } else {
        const hit = rule.notBoth.filter((g) => refs.some((r) => r.target.startsWith(g)));
        if (hit.length > 1) {
          const first = refs.find((r) => under(r.target, hit.slice(1)))!;
          violations.push({ rule: rule.name, file: src.path, line: first.line, target: first.target });
        }
      }
    }
  }
  return violations;
}

const SKIP = new Set(['node_modules', 'dist', 'build', '.git']);

/** The `.ts` sources under `dirs` of the repository at `root`, with repo-relative paths. */
export function readSources(root: string, dirs: readonly string[]): Source[] {
  const out: Source[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.')) walk(child);
      } else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        out.push({ path: child, text: readFileSync(path.join(root, child), 'utf8') });
      }
    }
  };
  for (const d of dirs) walk(d);
  return out;
}

export function describeViolation(v: Violation): string {
  return `${v.file}:${v.line} imports ${v.target} (${v.rule})`;
}
