import * as path from 'path';
import * as ts from 'typescript';
import {
  EMITTER_BOOKKEEPING,
  EMITTER_SUBSCRIBE,
  FACADE_MODULE,
  isFacadeDeepImport,
  isKafkaNodeDeepImport,
  KAFKA_NODE_MODULE,
  isKafkaNodeClass,
  lookupClass,
  lookupEvent,
  lookupImport,
  lookupMethod,
  lookupOption,
  lookupSendPayloadKey,
  type CompatibilityEntry,
  type CompatibilityStatus,
  type FindingKind,
  type KafkaNodeClass,
} from './compatibility';

/** One use of kafka-node's API. Lines and columns are 1-based. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  kind: FindingKind;
  name: string;
  /** The class whose option, method or event this is ('send' for keys of a send payload). */
  target?: string;
  status: CompatibilityStatus;
  note: string;
}

export interface FileScan {
  findings: Finding[];
  /** The file hands kafka-node's module object on (module.exports set to the required module, or export * from it). */
  reexportsKafkaNode: boolean;
}

export interface ScanFileOptions {
  /** Local module specifiers (e.g. './kafka') that stand for kafka-node because they re-export it. */
  isKafkaNodeAlias?: (specifier: string) => boolean;
}

const SCRIPT_KINDS: Record<string, ts.ScriptKind> = {
  '.js': ts.ScriptKind.JS,
  '.cjs': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
  '.jsx': ts.ScriptKind.JSX,
  '.ts': ts.ScriptKind.TS,
  '.cts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.tsx': ts.ScriptKind.TSX,
};

export const SCANNED_EXTENSIONS: readonly string[] = Object.keys(SCRIPT_KINDS);

export function parseSource(fileName: string, text: string): ts.SourceFile {
  const kind = SCRIPT_KINDS[path.extname(fileName).toLowerCase()] ?? ts.ScriptKind.JS;
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
}

function isKafkaNodeSpecifier(text: string): boolean {
  return text === KAFKA_NODE_MODULE || text === FACADE_MODULE;
}

function stringValue(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

/** `require('x')` or `import('x')`: the specifier literal, if the call is one. */
export function moduleCallSpecifier(node: ts.Node): ts.StringLiteralLike | undefined {
  if (!ts.isCallExpression(node) || node.arguments.length !== 1) return undefined;
  const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
  const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
  const argument = node.arguments[0]!;
  if ((isRequire || isDynamicImport) && ts.isStringLiteralLike(argument)) return argument;
  return undefined;
}

/** Every module specifier literal of a require/import/export-from/import-equals in the file. */
export function moduleSpecifiers(source: ts.SourceFile): ts.StringLiteralLike[] {
  const found: ts.StringLiteralLike[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteralLike(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier);
    } else if (ts.isExternalModuleReference(node) && ts.isStringLiteralLike(node.expression)) {
      found.push(node.expression);
    } else {
      const call = moduleCallSpecifier(node);
      if (call) found.push(call);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isAwaitExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/** `x` -> "x", `this.x` -> "this.x": the keys under which simple variable flow is tracked. */
function referenceKey(expression: ts.Expression): string | undefined {
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword)
    return `this.${node.name.text}`;
  return undefined;
}

function propertyKeyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name))
    return name.text;
  return undefined;
}

class FileAnalysis {
  private readonly moduleNames = new Set<string>();
  private readonly classNames = new Map<string, KafkaNodeClass>();
  private readonly instances = new Map<string, KafkaNodeClass>();
  private readonly literals = new Map<string, ts.Expression>();
  readonly findings: Finding[] = [];
  reexportsKafkaNode = false;

  constructor(
    private readonly source: ts.SourceFile,
    private readonly file: string,
    private readonly options: ScanFileOptions,
  ) {}

  run(): FileScan {
    // Bindings first, to a fixed point, so a function declared above a module-level `const producer = ...` still
    // sees it; then one pass for the findings.
    for (let round = 0; round < 4; round += 1) {
      const before = this.moduleNames.size + this.classNames.size + this.instances.size;
      this.collectBindings(this.source);
      if (this.moduleNames.size + this.classNames.size + this.instances.size === before) break;
    }
    this.collectFindings(this.source);
    this.findings.sort((a, b) => a.line - b.line || a.column - b.column);
    return { findings: this.findings, reexportsKafkaNode: this.reexportsKafkaNode };
  }

  private isModuleSpecifier(text: string | undefined): boolean {
    return text !== undefined && (isKafkaNodeSpecifier(text) || (this.options.isKafkaNodeAlias?.(text) ?? false));
  }

  private resolvesToModule(expression: ts.Expression): boolean {
    const node = unwrap(expression);
    if (this.isModuleSpecifier(moduleCallSpecifier(node)?.text)) return true;
    return ts.isIdentifier(node) && this.moduleNames.has(node.text);
  }

  private resolveClass(expression: ts.Expression): KafkaNodeClass | undefined {
    const node = unwrap(expression);
    if (ts.isIdentifier(node)) return this.classNames.get(node.text);
    if (
      ts.isPropertyAccessExpression(node) &&
      isKafkaNodeClass(node.name.text) &&
      this.resolvesToModule(node.expression)
    )
      return node.name.text;
    return undefined;
  }

  private resolveTypeClass(type: ts.TypeNode | undefined): KafkaNodeClass | undefined {
    if (!type || !ts.isTypeReferenceNode(type)) return undefined;
    const name = type.typeName;
    if (ts.isIdentifier(name)) return this.classNames.get(name.text);
    if (ts.isIdentifier(name.left) && this.moduleNames.has(name.left.text) && isKafkaNodeClass(name.right.text))
      return name.right.text;
    return undefined;
  }

  private resolveInstance(expression: ts.Expression): KafkaNodeClass | undefined {
    const node = unwrap(expression);
    if (ts.isNewExpression(node)) return this.resolveClass(node.expression);
    // `x.on('ready', ...)` returns x, so chained subscriptions stay on the instance.
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      EMITTER_SUBSCRIBE.has(node.expression.name.text)
    ) {
      return this.resolveInstance(node.expression.expression);
    }
    const key = referenceKey(node);
    return key === undefined ? undefined : this.instances.get(key);
  }

  private bind(key: string | undefined, value: ts.Expression): void {
    if (key === undefined) return;
    if (this.resolvesToModule(value)) this.moduleNames.add(key);
    const cls = this.resolveClass(value);
    if (cls) this.classNames.set(key, cls);
    const instance = this.resolveInstance(value);
    if (instance) this.instances.set(key, instance);
    const literal = unwrap(value);
    if ((ts.isObjectLiteralExpression(literal) || ts.isArrayLiteralExpression(literal)) && !this.literals.has(key))
      this.literals.set(key, literal);
  }

  private bindPattern(pattern: ts.ObjectBindingPattern, value: ts.Expression): void {
    if (!this.resolvesToModule(value)) return;
    for (const element of pattern.elements) {
      if (!ts.isIdentifier(element.name)) continue;
      const exported = element.propertyName ? propertyKeyName(element.propertyName) : element.name.text;
      if (exported && isKafkaNodeClass(exported)) this.classNames.set(element.name.text, exported);
    }
  }

  private collectBindings(node: ts.Node): void {
    if (ts.isVariableDeclaration(node) && node.initializer) {
      if (ts.isIdentifier(node.name)) this.bind(node.name.text, node.initializer);
      else if (ts.isObjectBindingPattern(node.name)) this.bindPattern(node.name, node.initializer);
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      const typed = this.resolveTypeClass(node.type);
      if (typed) this.instances.set(node.name.text, typed);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      this.bind(referenceKey(node.left), node.right);
    } else if (ts.isImportDeclaration(node) && this.isModuleSpecifier(stringValue(node.moduleSpecifier))) {
      const clause = node.importClause;
      if (clause?.name) this.moduleNames.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) this.moduleNames.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          const exported = (element.propertyName ?? element.name).text;
          if (isKafkaNodeClass(exported)) this.classNames.set(element.name.text, exported);
        }
      }
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      if (this.isModuleSpecifier(stringValue(node.moduleReference.expression))) this.moduleNames.add(node.name.text);
    } else if (ts.isPropertyDeclaration(node) && ts.isIdentifier(node.name)) {
      const key = `this.${node.name.text}`;
      if (node.initializer) this.bind(key, node.initializer);
      const typed = this.resolveTypeClass(node.type);
      if (typed) this.instances.set(key, typed);
    } else if (ts.isParameter(node) && ts.isIdentifier(node.name)) {
      const typed = this.resolveTypeClass(node.type);
      if (typed) {
        this.instances.set(node.name.text, typed);
        // A constructor parameter property (`constructor(private producer: Producer)`) is also `this.producer`.
        if (ts.getModifiers(node)?.length) this.instances.set(`this.${node.name.text}`, typed);
      }
    }
    ts.forEachChild(node, (child) => this.collectBindings(child));
  }

  private add(node: ts.Node, kind: FindingKind, name: string, entry: CompatibilityEntry, target?: string): void {
    const { line, character } = this.source.getLineAndCharacterOfPosition(node.getStart(this.source));
    this.findings.push({
      file: this.file,
      line: line + 1,
      column: character + 1,
      kind,
      name,
      ...(target ? { target } : {}),
      status: entry.status,
      note: entry.note,
    });
  }

  private literalOf(expression: ts.Expression): ts.Expression {
    const node = unwrap(expression);
    if (ts.isIdentifier(node)) return this.literals.get(node.text) ?? node;
    return node;
  }

  private addOptionKeys(
    objectLiteral: ts.Expression,
    target: string,
    lookup: (key: string) => CompatibilityEntry,
  ): void {
    const node = this.literalOf(objectLiteral);
    if (!ts.isObjectLiteralExpression(node)) return;
    for (const property of node.properties) {
      if (!property.name) continue;
      const key = propertyKeyName(property.name);
      if (key !== undefined) this.add(property.name, 'option', key, lookup(key), target);
    }
  }

  private collectFindings(node: ts.Node): void {
    this.findImport(node);
    if (ts.isNewExpression(node)) {
      const cls = this.resolveClass(node.expression);
      if (cls) {
        this.add(node, 'construct', cls, lookupClass(cls));
        for (const argument of node.arguments ?? []) this.addOptionKeys(argument, cls, (key) => lookupOption(cls, key));
      }
    } else if (
      ts.isPropertyAccessExpression(node) &&
      !(ts.isBinaryExpression(node.parent) && node.parent.left === node)
    ) {
      const cls = this.resolveInstance(node.expression);
      if (cls) this.findMember(node, cls);
    }
    ts.forEachChild(node, (child) => this.collectFindings(child));
  }

  private findMember(access: ts.PropertyAccessExpression, cls: KafkaNodeClass): void {
    const member = access.name.text;
    if (EMITTER_BOOKKEEPING.has(member)) return;
    const call = ts.isCallExpression(access.parent) && access.parent.expression === access ? access.parent : undefined;
    if (EMITTER_SUBSCRIBE.has(member)) {
      const eventName = stringValue(call?.arguments[0]);
      if (call && eventName !== undefined)
        this.add(call.arguments[0]!, 'event', eventName, lookupEvent(cls, eventName), cls);
      return;
    }
    this.add(access.name, 'method', member, lookupMethod(cls, member), cls);
    if (call && member === 'send' && call.arguments[0]) {
      const payloads = this.literalOf(call.arguments[0]);
      if (ts.isArrayLiteralExpression(payloads)) {
        for (const payload of payloads.elements) this.addOptionKeys(payload, 'send', lookupSendPayloadKey);
      }
    }
  }

  private findImport(node: ts.Node): void {
    let specifier: ts.StringLiteralLike | undefined;
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteralLike(node.moduleSpecifier)
    ) {
      specifier = node.moduleSpecifier;
      if (ts.isExportDeclaration(node) && isKafkaNodeSpecifier(specifier.text) && !node.exportClause)
        this.reexportsKafkaNode = true;
    } else if (ts.isExternalModuleReference(node) && ts.isStringLiteralLike(node.expression)) {
      specifier = node.expression;
    } else {
      specifier = moduleCallSpecifier(node);
    }
    if (
      specifier &&
      (isKafkaNodeSpecifier(specifier.text) ||
        isKafkaNodeDeepImport(specifier.text) ||
        isFacadeDeepImport(specifier.text))
    )
      this.add(specifier, 'import', specifier.text, lookupImport(specifier.text));
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      this.resolvesToModule(node.right)
    ) {
      const left = node.left;
      const isModuleExports =
        ts.isPropertyAccessExpression(left) &&
        ts.isIdentifier(left.expression) &&
        left.expression.text === 'module' &&
        left.name.text === 'exports';
      if (isModuleExports) this.reexportsKafkaNode = true;
    }
    if (ts.isExportAssignment(node) && this.resolvesToModule(node.expression)) this.reexportsKafkaNode = true;
  }
}

/** Finds every use of kafka-node's API in one JavaScript or TypeScript file. `file` is how findings name it. */
export function scanSource(file: string, text: string, options: ScanFileOptions = {}): FileScan {
  return new FileAnalysis(parseSource(file, text), file, options).run();
}
