/**
 * Generates JSON schemas from the TypeScript declarations of kubernetes-models packages.
 *
 * Why: those packages ship only ajv-compiled validators (which accept unknown fields) and
 * `.d.ts` declarations. The declarations are generated from the upstream OpenAPI specs, so
 * they carry every property name, which properties are required (non-optional) and the
 * string enums. We turn them back into JSON schemas, with `additionalProperties: false` on
 * every object that declares properties (the "strict" variant; the lenient variant is
 * derived at load time by dropping those flags).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

import type { JsonSchema, SchemaBundle } from '../src/schema-types.js';

export type { JsonSchema, SchemaBundle };

export interface PackageSpec {
  /** npm package name */
  name: string;
  /** bundle file name (without .json) */
  file: string;
  /** keep only these API versions (e.g. drop removed beta versions) */
  includeVersion?: (group: string, version: string) => boolean;
}

/**
 * kubernetes-models merges the OpenAPI specs of old Kubernetes releases into the latest one
 * so that removed APIs stay importable (see its scripts/generate.ts). The latest spec it uses
 * only carries GA versions, so every alpha/beta version in the package is a removed API
 * (extensions/v1beta1, policy/v1beta1, ...). We keep GA versions only.
 */
const GA_VERSION = /^v\d+$/;

export const PACKAGES: PackageSpec[] = [
  { name: 'kubernetes-models', file: 'kubernetes', includeVersion: (_g, v) => GA_VERSION.test(v) },
  { name: '@kubernetes-models/argo-cd', file: 'argo-cd' },
  { name: '@kubernetes-models/external-secrets', file: 'external-secrets' },
  { name: '@kubernetes-models/istio', file: 'istio' },
  { name: '@kubernetes-models/prometheus-operator', file: 'prometheus-operator' },
];

/** Kubernetes quantity grammar, as kubeconform's and the API server's schemas check it. */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

const require = createRequire(import.meta.url);

export function packageRoot(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

export function packageVersion(name: string): string {
  return JSON.parse(readFileSync(path.join(packageRoot(name), 'package.json'), 'utf8')).version;
}

interface KindFile {
  file: string;
  apiVersion: string;
  kind: string;
}

/** Files declaring a top-level kind: `<group>/<version>/<Kind>.d.ts` (core group: `v1/`). */
function findKindFiles(spec: PackageSpec): KindFile[] {
  const root = packageRoot(spec.name);
  const out: KindFile[] = [];
  const versionDirs: Array<{ group: string; version: string; dir: string }> = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name === 'github.com') continue;
    if (/^v\d/.test(entry.name)) {
      versionDirs.push({ group: '', version: entry.name, dir: path.join(root, entry.name) });
      continue;
    }
    for (const v of readdirSync(path.join(root, entry.name), { withFileTypes: true })) {
      if (v.isDirectory() && /^v\d/.test(v.name)) {
        versionDirs.push({ group: entry.name, version: v.name, dir: path.join(root, entry.name, v.name) });
      }
    }
  }
  for (const { group, version, dir } of versionDirs) {
    if (spec.includeVersion && !spec.includeVersion(group, version)) continue;
    const apiVersion = group ? `${group}/${version}` : version;
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.d.ts') || f === 'index.d.ts') continue;
      const text = readFileSync(path.join(dir, f), 'utf8');
      const kind = /"kind": "([A-Za-z0-9]+)";/.exec(text)?.[1];
      if (kind && text.includes(`"apiVersion": "${apiVersion}";`)) {
        out.push({ file: path.join(dir, f), apiVersion, kind });
      }
    }
  }
  return out.sort((a, b) => `${a.apiVersion}/${a.kind}`.localeCompare(`${b.apiVersion}/${b.kind}`));
}

/** Definition name: the declaring file's path inside node_modules, e.g. `kubernetes-models:v1:Container`. */
function definitionName(decl: ts.Declaration): string {
  const file = decl.getSourceFile().fileName;
  const idx = file.lastIndexOf('node_modules/');
  const rel = (idx >= 0 ? file.slice(idx + 'node_modules/'.length) : file).replace(/\.d\.ts$/, '');
  return rel.split('/').join(':');
}

type Segment = string | number;

/** Where a `number` schema sits inside a definition, to ask the package's validator about it. */
export interface NumberProbe {
  definition: string;
  /** the declaration, to find the package's compiled validator for it */
  declaration: ts.Declaration;
  path: Segment[];
  schema: JsonSchema;
}

class Converter {
  readonly definitions: Record<string, JsonSchema> = {};
  readonly probes: NumberProbe[] = [];
  private readonly pending = new Set<string>();
  private current: { definition: string; declaration: ts.Declaration } | undefined;

  constructor(private readonly checker: ts.TypeChecker) {}

  /** Converts the interface declared in a kind file, returns its definition name. */
  convertKind(decl: ts.InterfaceDeclaration): string {
    return this.named(decl);
  }

  private named(decl: ts.Declaration): string {
    const name = definitionName(decl);
    if (this.definitions[name] || this.pending.has(name)) return name;
    this.pending.add(name);
    const outer = this.current;
    this.current = { definition: name, declaration: decl };
    this.definitions[name] = this.declaration(decl);
    this.current = outer;
    this.pending.delete(name);
    return name;
  }

  private declaration(decl: ts.Declaration): JsonSchema {
    if (ts.isInterfaceDeclaration(decl)) return this.object(decl, this.checker.getTypeAtLocation(decl), []);
    if (ts.isTypeAliasDeclaration(decl)) {
      const name = definitionName(decl);
      // Special apimachinery scalars: the .d.ts only says `string | number`.
      if (name.endsWith('api:resource:Quantity')) return { type: ['string', 'number'], pattern: QUANTITY_PATTERN };
      if (name.endsWith('util:intstr:IntOrString')) return { type: ['string', 'integer'] };
      if (/apis:meta:v1:(Micro)?Time$/.test(name)) return { type: 'string', format: 'date-time' };
      return this.typeNode(decl.type, []);
    }
    throw new Error(`unsupported declaration ${ts.SyntaxKind[decl.kind]} in ${decl.getSourceFile().fileName}`);
  }

  private object(node: ts.Node, type: ts.Type, at: Segment[]): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const prop of this.checker.getPropertiesOfType(type)) {
      const decl = prop.declarations?.[0];
      if (!decl || !ts.isPropertySignature(decl) || !decl.type) {
        throw new Error(`property ${prop.name} has no type in ${node.getSourceFile().fileName}`);
      }
      properties[prop.name] = this.typeNode(decl.type, [...at, prop.name]);
      if (!(prop.flags & ts.SymbolFlags.Optional)) required.push(prop.name);
    }
    const schema: JsonSchema = { type: 'object' };
    if (Object.keys(properties).length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = required;
    const index = this.checker.getIndexInfoOfType(type, ts.IndexKind.String);
    const indexDecl = index?.declaration;
    if (indexDecl) {
      schema.additionalProperties = this.typeNode(indexDecl.type, [...at, 'key']);
    } else if (Object.keys(properties).length > 0) {
      schema.additionalProperties = false;
    }
    // An object type that declares nothing is free-form (e.g. FieldsV1, preserve-unknown-fields).
    return schema;
  }

  private typeNode(node: ts.TypeNode, at: Segment[]): JsonSchema {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.NumberKeyword: {
        // `.d.ts` says number for int32/int64 too; the package's validator knows (see refineIntegers)
        const schema: JsonSchema = { type: 'number' };
        if (this.current) this.probes.push({ ...this.current, path: at, schema });
        return schema;
      }
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
        return {};
      case ts.SyntaxKind.ObjectKeyword:
        return { type: 'object' };
      case ts.SyntaxKind.NullKeyword:
        return { type: 'null' };
    }
    if (ts.isParenthesizedTypeNode(node)) return this.typeNode(node.type, at);
    if (ts.isArrayTypeNode(node)) return { type: 'array', items: this.typeNode(node.elementType, [...at, 0]) };
    if (ts.isLiteralTypeNode(node)) {
      const lit = node.literal;
      if (ts.isStringLiteral(lit)) return { type: 'string', enum: [lit.text] };
      if (ts.isNumericLiteral(lit)) return { type: 'number', enum: [Number(lit.text)] };
      if (lit.kind === ts.SyntaxKind.TrueKeyword) return { type: 'boolean', enum: [true] };
      if (lit.kind === ts.SyntaxKind.FalseKeyword) return { type: 'boolean', enum: [false] };
      if (lit.kind === ts.SyntaxKind.NullKeyword) return { type: 'null' };
    }
    if (ts.isUnionTypeNode(node)) return this.union(node, at);
    // Istio encodes its proto `oneOf` groups as `Base & (Exclude<...> | ...)`: the first member
    // holds every property; the mutual-exclusion part is not carried over.
    if (ts.isIntersectionTypeNode(node)) return this.typeNode(node.types[0], at);
    if (ts.isTypeLiteralNode(node)) return this.object(node, this.checker.getTypeAtLocation(node), at);
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      if ((name === 'Array' || name === 'ReadonlyArray') && node.typeArguments?.length === 1) {
        return { type: 'array', items: this.typeNode(node.typeArguments[0], [...at, 0]) };
      }
      if (name === 'Record' && node.typeArguments?.length === 2) {
        return { type: 'object', additionalProperties: this.typeNode(node.typeArguments[1], [...at, 'key']) };
      }
      let symbol = this.checker.getSymbolAtLocation(node.typeName);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
      const decl = symbol?.declarations?.[0];
      if (!decl) throw new Error(`cannot resolve type ${name} in ${node.getSourceFile().fileName}`);
      return { $ref: `#/definitions/${this.named(decl)}` };
    }
    throw new Error(`unsupported type ${ts.SyntaxKind[node.kind]} in ${node.getSourceFile().fileName}`);
  }

  private union(node: ts.UnionTypeNode, at: Segment[]): JsonSchema {
    const members = node.types.map((t) => this.typeNode(t, at));
    const enumOnly = members.every((m) => Array.isArray(m.enum) && typeof m.type === 'string');
    const types = new Set(members.map((m) => m.type));
    if (enumOnly && types.size === 1) {
      return { type: members[0].type, enum: members.flatMap((m) => m.enum as unknown[]) };
    }
    const plainTypes = members.every((m) => Object.keys(m).length === 1 && typeof m.type === 'string');
    if (plainTypes) return { type: [...types] };
    return { anyOf: members };
  }
}

/** Builds the schema bundle of one package by reading its declarations with the TS compiler. */
export async function generateBundle(spec: PackageSpec): Promise<SchemaBundle> {
  const kindFiles = findKindFiles(spec);
  const program = ts.createProgram(
    kindFiles.map((k) => k.file),
    {
      noEmit: true,
      skipLibCheck: true,
      noResolve: false,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
    },
  );
  const checker = program.getTypeChecker();
  const converter = new Converter(checker);
  const kinds: Record<string, string> = {};
  for (const k of kindFiles) {
    const sf = program.getSourceFile(k.file);
    const decl = sf?.statements.find(
      (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === `I${k.kind}`,
    );
    if (!decl) throw new Error(`no interface I${k.kind} in ${k.file}`);
    kinds[`${k.apiVersion}/${k.kind}`] = converter.convertKind(decl);
  }
  await refineIntegers(converter.probes);
  const definitions = Object.fromEntries(
    Object.keys(converter.definitions)
      .sort()
      .map((k) => [k, converter.definitions[k]]),
  );
  return { source: `${spec.name}@${packageVersion(spec.name)}`, kinds, definitions };
}

type Validate = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; keyword: string; params: { type?: string } }> | null };

/**
 * The package's compiled validator for a declaration: the model module beside the `.d.ts`
 * imports it from `_schemas/` (e.g. `import{validate}from"../../_schemas/IoK8sApiAppsV1DeploymentSpec.js"`).
 */
async function compiledValidator(decl: ts.Declaration): Promise<Validate | undefined> {
  const moduleFile = decl.getSourceFile().fileName.replace(/\.d\.ts$/, '.js');
  if (!existsSync(moduleFile)) return undefined;
  const spec = /import\{validate\}from"([^"]*_schemas\/[^"]+\.js)"/.exec(readFileSync(moduleFile, 'utf8'))?.[1];
  if (!spec) return undefined;
  const mod = (await import(path.resolve(path.dirname(moduleFile), spec))) as { validate?: Validate };
  return mod.validate;
}

function setAt(path: Segment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  return typeof head === 'number' ? [setAt(rest, value)] : { [head]: setAt(rest, value) };
}

/**
 * Turns `number` into `integer` where the package's own validator (compiled from the upstream
 * OpenAPI schema) rejects 1.5 with "must be integer" at that path.
 */
async function refineIntegers(probes: NumberProbe[]): Promise<void> {
  const validators = new Map<ts.Declaration, Validate | undefined>();
  for (const probe of probes) {
    if (!validators.has(probe.declaration)) validators.set(probe.declaration, await compiledValidator(probe.declaration));
    const validate = validators.get(probe.declaration);
    if (!validate) continue;
    validate(setAt(probe.path, 1.5));
    const pointer = probe.path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
    const integer = (validate.errors ?? []).some(
      (e) => e.instancePath === pointer && e.keyword === 'type' && String(e.params.type).includes('integer'),
    );
    if (integer) probe.schema.type = 'integer';
  }
}

export const GENERATED_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../schemas/generated');

export function bundlePath(spec: PackageSpec): string {
  return path.join(GENERATED_DIR, `${spec.file}.json`);
}

export function serializeBundle(bundle: SchemaBundle): string {
  return `${JSON.stringify(bundle, null, 1)}\n`;
}

export function readCommittedBundle(spec: PackageSpec): string | undefined {
  const file = bundlePath(spec);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
