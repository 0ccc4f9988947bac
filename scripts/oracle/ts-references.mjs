#!/usr/bin/env node
// References oracle for JavaScript (issue 13): the TypeScript language service with allowJs +
// checkJs over a JSDoc-typed CommonJS package (webpack's lib/), for a deterministic sample of
// exported functions and class methods. For every sampled symbol it prints its definition and
// every reference the language service finds (`findReferences`), each classified by looking at
// the reference node's parents in the AST (see `classify`).
//
//   node scripts/oracle/ts-references.mjs --typescript .tools/oracle/node_modules/typescript \
//       --package target/oracle/cache/webpack-5.97.1/package --src lib --sample 80 --out refs.json
//
// The sample (see `sampleSymbols`): every candidate is keyed "<file>#<name>" (functions) or
// "<file>#<Class>.<method>" (methods); candidates are ordered by SHA-256 of "<seed>:<key>" and
// the first N/2 functions and N/2 methods are taken (fewer of one kind: more of the other).
// Candidates, syntactically, in each file of --src:
//   functions: a top-level `function f` / `const f = (...) =>` exported through
//     `module.exports = { f }`, `module.exports = f`, `exports.f = f`, `module.exports.f = f`, or
//     defined in place as `exports.f = function` / `module.exports.f = (...) =>`;
//   methods: the methods (not constructors, accessors or `#private` ones) of a class that the
//     file exports the same ways (`module.exports = C`, `module.exports = class C`, `{ C }`...),
//     except overrides of a base class's member (the checker binds calls through the base type
//     to the base's method, so an override's own references are mostly none).
// Default N = 80 (--sample), seed "omnysys-oracle-1" (--seed).
// References: `findReferences` at the name of the definition; definitions themselves are left
// out. For a function every group is kept (CommonJS exports and the importers' bindings are
// separate groups of one search); for a method only the group whose definition is the method
// itself (base-class and override groups are other symbols). The language service misses
// CommonJS importers (see `referencesOf`): the checker's resolution of every identifier of the
// same name is added to what findReferences answers.
// Output JSON: { tool, typescript, package, src, seed, sample, setupMs, symbols: [ { id, kind,
// name, className, symbolName, file, line, column, queryMs, references: [ { file, line, column,
// kind, isCall, sameFile, via, text } ] } ] } -- lines and columns 1-based (columns in UTF-16 units),
// files relative to --src.

import { createHash } from "node:crypto";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

/** Reference kinds, in the order reports list them. */
export const KINDS = [
    "direct-call-imported", // f(x) where f was imported from the defining file
    "direct-call-local", // f(x) in the defining file
    "this-call", // this.m() inside the defining class
    "this-call-subclass", // this.m() in another class (a subclass)
    "namespace-call", // NS.f() where NS = require("./x") or import * as NS
    "static-call", // C.m() where C is a class
    "instance-call", // x.m() through a value, in another file
    "instance-call-same-file", // x.m() through a value, in the defining file
    "field-call", // a.b.m() / this._x.m(): the receiver is a property access
    "exports-call", // module.exports.f() / exports.f() inside the defining file
    "value", // f or obj.m referenced without a call (passed, assigned, returned)
    "require-binding", // const { f } = require("./x") / const f = require("./x").f
    "import-binding", // import { f } from "./x"
    "export", // module.exports = { f }, exports.f = f
    "jsdoc", // a name inside a JSDoc comment ({typeof f}, @see f)
    "other",
];

function parseArgs(argv) {
    const args = { sample: 80, seed: "omnysys-oracle-1", src: "lib" };
    for (let i = 0; i < argv.length; i += 2) {
        const key = argv[i].replace(/^--/, "");
        if (argv[i + 1] === undefined) throw new Error(`missing value for ${argv[i]}`);
        args[key] = key === "sample" ? Number(argv[i + 1]) : argv[i + 1];
    }
    for (const need of ["typescript", "package", "out"]) {
        if (!args[need]) throw new Error(`--${need} is required`);
    }
    return args;
}

/** Every .js file under dir, sorted, as absolute paths. */
function listJsFiles(dir) {
    const out = [];
    const walk = (d) => {
        for (const name of readdirSync(d).sort()) {
            const p = path.join(d, name);
            if (statSync(p).isDirectory()) {
                if (name !== "node_modules" && !name.startsWith(".")) walk(p);
            } else if (name.endsWith(".js")) out.push(p);
        }
    };
    walk(dir);
    return out;
}

/** A language service over `files` whose sources never change. */
function createService(ts, files, packageDir) {
    const options = {
        allowJs: true,
        checkJs: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        types: ["node"],
        typeRoots: [path.join(packageDir, "node_modules", "@types")],
        skipLibCheck: true,
        strict: false,
        maxNodeModuleJsDepth: 0,
    };
    const snapshots = new Map();
    const host = {
        getScriptFileNames: () => files,
        getScriptVersion: () => "1",
        getScriptSnapshot: (f) => {
            if (!snapshots.has(f)) {
                if (!ts.sys.fileExists(f)) return undefined;
                snapshots.set(f, ts.ScriptSnapshot.fromString(ts.sys.readFile(f)));
            }
            return snapshots.get(f);
        },
        getCurrentDirectory: () => packageDir,
        getCompilationSettings: () => options,
        getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
        fileExists: ts.sys.fileExists,
        readFile: ts.sys.readFile,
        readDirectory: ts.sys.readDirectory,
        directoryExists: ts.sys.directoryExists,
        getDirectories: ts.sys.getDirectories,
    };
    return ts.createLanguageService(host, ts.createDocumentRegistry());
}

/** True for `module.exports` (the property access) or the free identifier `exports`. */
function isExportsObject(ts, node) {
    if (ts.isIdentifier(node)) return node.text === "exports";
    return (
        ts.isPropertyAccessExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === "module" &&
        node.name.text === "exports"
    );
}

/** The top-level functions and classes of a file, and the names it exports. */
function exportedDeclarations(ts, sf) {
    const functions = new Map(); // name -> name node
    const classes = new Map(); // name -> ClassLike node
    const exportedNames = new Set();
    const inPlace = []; // [name, name node] of `exports.f = function...`
    const inPlaceClasses = [];
    const isFunctionValue = (e) => e && (ts.isFunctionExpression(e) || ts.isArrowFunction(e));
    for (const st of sf.statements) {
        if (ts.isFunctionDeclaration(st) && st.name) functions.set(st.name.text, st.name);
        if (ts.isClassDeclaration(st) && st.name) classes.set(st.name.text, st);
        if (ts.isVariableStatement(st)) {
            for (const d of st.declarationList.declarations) {
                if (ts.isIdentifier(d.name) && isFunctionValue(d.initializer)) functions.set(d.name.text, d.name);
                if (ts.isIdentifier(d.name) && d.initializer && ts.isClassExpression(d.initializer))
                    classes.set(d.name.text, d.initializer);
            }
        }
        if (!ts.isExpressionStatement(st) || !ts.isBinaryExpression(st.expression)) continue;
        const { left, right, operatorToken } = st.expression;
        if (operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
        if (isExportsObject(ts, left) && !ts.isIdentifier(left)) {
            // module.exports = X | class X | function f | { a, b: c }
            if (ts.isIdentifier(right)) exportedNames.add(right.text);
            else if (ts.isClassExpression(right)) inPlaceClasses.push(right);
            else if (ts.isFunctionExpression(right) && right.name) inPlace.push([right.name.text, right.name]);
            else if (ts.isObjectLiteralExpression(right)) {
                for (const p of right.properties) {
                    if (ts.isShorthandPropertyAssignment(p)) exportedNames.add(p.name.text);
                    else if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.initializer))
                        exportedNames.add(p.initializer.text);
                }
            }
        } else if (ts.isPropertyAccessExpression(left) && isExportsObject(ts, left.expression)) {
            // exports.f = f | exports.f = function / arrow | module.exports.C = C
            if (ts.isIdentifier(right)) exportedNames.add(right.text);
            else if (isFunctionValue(right)) inPlace.push([left.name.text, left.name]);
        }
    }
    const result = { functions: [], classes: [] };
    for (const [name, node] of functions) if (exportedNames.has(name)) result.functions.push([name, node]);
    result.functions.push(...inPlace);
    for (const [name, node] of classes) if (exportedNames.has(name)) result.classes.push([name, node]);
    for (const c of inPlaceClasses) if (c.name) result.classes.push([c.name.text, c]);
    return result;
}

/** The sampled methods of a class: named methods, not constructors, accessors or #private. */
function classMethods(ts, cls) {
    return cls.members.filter((m) => ts.isMethodDeclaration(m) && ts.isIdentifier(m.name) && m.body);
}

/** True when a base class of `cls` (a class declaration or expression) has a member `name`. */
function overridesBase(ts, checker, cls, name) {
    const sym = cls.name ? checker.getSymbolAtLocation(cls.name) : undefined;
    if (!sym) return false;
    const type = checker.getDeclaredTypeOfSymbol(sym);
    const bases = type.isClassOrInterface() ? checker.getBaseTypes(type) : [];
    return bases.some((b) => b.getProperty(name) !== undefined);
}

/** Every candidate symbol of the package, then the deterministic sample. */
function sampleSymbols(ts, program, files, srcDir, n, seed) {
    const checker = program.getTypeChecker();
    const candidates = [];
    for (const file of files) {
        const sf = program.getSourceFile(file);
        const rel = path.relative(srcDir, file).split(path.sep).join("/");
        const { functions, classes } = exportedDeclarations(ts, sf);
        for (const [name, node] of functions) {
            candidates.push({ kind: "function", name, className: null, symbolName: name, file: rel, abs: file, node });
        }
        for (const [cname, cls] of classes) {
            const seen = new Set();
            for (const m of classMethods(ts, cls)) {
                const name = m.name.text;
                if (seen.has(name)) continue; // overload signatures: the first body
                seen.add(name);
                if (overridesBase(ts, checker, cls, name)) continue; // calls through the base type are the base's
                candidates.push({
                    kind: "method", name, className: cname, symbolName: `${cname}.${name}`, file: rel, abs: file, node: m.name,
                });
            }
        }
    }
    const key = (c) => `${c.file}#${c.symbolName}`;
    const hash = (c) => createHash("sha256").update(`${seed}:${key(c)}`).digest("hex");
    const uniq = new Map(candidates.map((c) => [key(c), c]));
    const ordered = [...uniq.values()].sort((a, b) => (hash(a) < hash(b) ? -1 : hash(a) > hash(b) ? 1 : 0));
    const fns = ordered.filter((c) => c.kind === "function");
    const methods = ordered.filter((c) => c.kind === "method");
    const half = Math.floor(n / 2);
    const takeF = Math.min(fns.length, Math.max(half, n - methods.length));
    const picked = [...fns.slice(0, takeF), ...methods.slice(0, n - takeF)];
    picked.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    return { picked, candidates: uniq.size, functions: fns.length, methods: methods.length };
}

/** The innermost node of `sf` starting exactly at `pos` (an identifier, usually). */
function nodeAt(ts, sf, pos) {
    let found;
    const visit = (node) => {
        if (node.getStart(sf) <= pos && pos < node.getEnd()) {
            if (node.getStart(sf) === pos) found = node;
            ts.forEachChild(node, visit);
        }
    };
    visit(sf);
    return found;
}

/** True when `node` is inside a JSDoc comment. */
function inJsDoc(ts, node) {
    for (let n = node; n; n = n.parent) if (ts.isJSDoc(n) || n.kind === ts.SyntaxKind.JSDocTypeExpression) return true;
    return false;
}

/** `require("...")`, possibly with `.x` accesses after it. */
function isRequireExpr(ts, e) {
    while (ts.isPropertyAccessExpression(e)) e = e.expression;
    return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === "require";
}

/** The class (declaration or expression) enclosing `node`, if any. */
function enclosingClass(ts, node) {
    for (let n = node.parent; n; n = n.parent) if (ts.isClassLike(n)) return n;
    return undefined;
}

/** Whether `expr` (the callee) is called: `expr(...)`, `new expr(...)`, `expr.call/apply(...)`. */
function callOf(ts, expr) {
    const p = expr.parent;
    if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression === expr) return true;
    if (ts.isTaggedTemplateExpression(p) && p.tag === expr) return true;
    if (ts.isPropertyAccessExpression(p) && p.expression === expr && ["call", "apply"].includes(p.name.text)) {
        return ts.isCallExpression(p.parent) && p.parent.expression === p;
    }
    return false;
}

/** Kind of the receiver `recv` of `recv.name`: this, exports, namespace, class, field or value. */
function receiverKind(ts, checker, recv) {
    if (recv.kind === ts.SyntaxKind.ThisKeyword) return "this";
    if (isExportsObject(ts, recv)) return "exports";
    if (isRequireExpr(ts, recv)) return "namespace";
    if (ts.isIdentifier(recv)) {
        let sym = checker.getSymbolAtLocation(recv);
        if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
        if (sym) {
            const decl = sym.valueDeclaration || (sym.declarations || [])[0];
            if (sym.flags & ts.SymbolFlags.Class) return "class";
            if (sym.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) return "namespace";
            if (decl && ts.isVariableDeclaration(decl) && decl.initializer && isRequireExpr(ts, decl.initializer)) {
                // const NS = require("./x"): a namespace unless the module exports a class.
                return sym.flags & ts.SymbolFlags.Class || checker.getTypeAtLocation(recv).getConstructSignatures().length
                    ? "class"
                    : "namespace";
            }
            if (decl && ts.isSourceFile(decl)) return "namespace";
            if (sym.flags & ts.SymbolFlags.Class) return "class";
        }
        return "value";
    }
    if (ts.isPropertyAccessExpression(recv) || ts.isElementAccessExpression(recv)) return "field";
    if (ts.isParenthesizedExpression(recv)) return receiverKind(ts, checker, recv.expression);
    return "value";
}

/** Kind of one reference at `node` (its identifier), given the definition. */
function classify(ts, checker, node, def, refFile) {
    const sameFile = refFile === def.abs;
    if (!node) return { kind: "other", isCall: false };
    if (inJsDoc(ts, node)) return { kind: "jsdoc", isCall: false };
    const p = node.parent;
    if (!ts.isIdentifier(node) && !ts.isPrivateIdentifier(node)) return { kind: "other", isCall: false };

    if (ts.isPropertyAccessExpression(p) && p.name === node) {
        const isCall = callOf(ts, p);
        const recv = receiverKind(ts, checker, p.expression);
        if (recv === "exports") {
            const assigned = ts.isBinaryExpression(p.parent) && p.parent.left === p &&
                p.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
            if (assigned) return { kind: "export", isCall: false };
            return { kind: isCall ? "exports-call" : "value", isCall };
        }
        if (ts.isVariableDeclaration(p.parent) && p.parent.initializer === p && isRequireExpr(ts, p.expression))
            return { kind: "require-binding", isCall: false };
        if (!isCall) return { kind: "value", isCall: false };
        if (recv === "this") {
            const cls = enclosingClass(ts, p);
            const own = cls && cls === def.node.parent.parent;
            return { kind: own ? "this-call" : "this-call-subclass", isCall };
        }
        if (recv === "namespace") return { kind: "namespace-call", isCall };
        if (recv === "class") return { kind: "static-call", isCall };
        if (recv === "field") return { kind: "field-call", isCall };
        return { kind: sameFile ? "instance-call-same-file" : "instance-call", isCall };
    }
    if (callOf(ts, node)) return { kind: sameFile ? "direct-call-local" : "direct-call-imported", isCall: true };
    if (ts.isBindingElement(p)) {
        let decl = p.parent;
        while (decl && !ts.isVariableDeclaration(decl)) decl = decl.parent;
        const fromRequire = decl && decl.initializer && isRequireExpr(ts, decl.initializer);
        return { kind: fromRequire ? "require-binding" : "other", isCall: false };
    }
    if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return { kind: "import-binding", isCall: false };
    if (ts.isExportSpecifier(p)) return { kind: "export", isCall: false };
    if (ts.isShorthandPropertyAssignment(p) || (ts.isPropertyAssignment(p) && p.initializer === node)) {
        const obj = p.parent;
        const exported = ts.isBinaryExpression(obj.parent) && obj.parent.right === obj && isExportsObject(ts, obj.parent.left);
        return { kind: exported ? "export" : "value", isCall: false };
    }
    if (ts.isBinaryExpression(p) && p.right === node) {
        const left = p.left;
        const exported = isExportsObject(ts, left) ||
            (ts.isPropertyAccessExpression(left) && isExportsObject(ts, left.expression));
        return { kind: exported ? "export" : "value", isCall: false };
    }
    if (ts.isVariableDeclaration(p) && p.name === node) {
        const fromRequire = p.initializer && isRequireExpr(ts, p.initializer);
        return { kind: fromRequire ? "require-binding" : "other", isCall: false };
    }
    if (ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) return { kind: "other", isCall: false };
    if (ts.isTypeReferenceNode(p) || ts.isTypeQueryNode(p) || ts.isQualifiedName(p)) return { kind: "other", isCall: false };
    return { kind: "value", isCall: false };
}

/** One line of source, trimmed to 160 characters. */
function lineText(sf, line0) {
    const starts = sf.getLineStarts();
    const end = line0 + 1 < starts.length ? starts[line0 + 1] : sf.text.length;
    return sf.text.slice(starts[line0], end).trim().slice(0, 160);
}

/** The local name a require binding introduces (`const { f } = require()` -> `f`), if any. */
function requireBindingLocal(ts, node) {
    const p = node && node.parent;
    if (!p) return undefined;
    if (ts.isBindingElement(p) && ts.isIdentifier(p.name)) return p.name;
    if (ts.isVariableDeclaration(p) && p.name === node && p.initializer && isRequireExpr(ts, p.initializer)) return node;
    if (ts.isPropertyAccessExpression(p) && ts.isVariableDeclaration(p.parent) && p.parent.initializer === p &&
        ts.isIdentifier(p.parent.name)) return p.parent.name;
    return undefined;
}

/** The exported property an export reference names (`exports.f = f` / `module.exports = { f }`
 * -> that `f`): importers that destructure it are references of that property. */
function exportedPropertyName(ts, node) {
    const p = node && node.parent;
    if (!p) return undefined;
    if (ts.isBinaryExpression(p) && p.right === node && ts.isPropertyAccessExpression(p.left) &&
        isExportsObject(ts, p.left.expression)) return p.left.name;
    if (ts.isShorthandPropertyAssignment(p)) return p.name;
    if (ts.isPropertyAssignment(p) && p.initializer === node && ts.isIdentifier(p.name)) return p.name;
    return undefined;
}

/** Every identifier of the --src files by its text: the symbol scan's candidates. */
function identifierIndex(ts, program, files) {
    const index = new Map();
    for (const file of files) {
        const sf = program.getSourceFile(file);
        const visit = (node) => {
            if (ts.isIdentifier(node)) {
                if (!index.has(node.text)) index.set(node.text, []);
                index.get(node.text).push({ sf, node });
            }
            ts.forEachChild(node, visit);
        };
        visit(sf);
    }
    return index;
}

/** Whether the checker resolves `node` to the definition: through import/require aliases and
 * CommonJS export properties (`module.exports.f = f`, `{ f }`, `{ g: f }`) to the declaration. */
function resolvesTo(ts, checker, node, def) {
    let sym;
    try {
        sym = checker.getSymbolAtLocation(node);
    } catch {
        return false;
    }
    for (let i = 0; sym && i < 8; i++) {
        if (sym.flags & ts.SymbolFlags.Alias) {
            try {
                sym = checker.getAliasedSymbol(sym);
            } catch {
                return false;
            }
        }
        const decls = sym.declarations || [];
        if (decls.some((d) => ts.getNameOfDeclaration(d) === def.node)) return true;
        let next;
        for (const d of decls) {
            let value;
            if (ts.isShorthandPropertyAssignment(d)) {
                next = checker.getShorthandAssignmentValueSymbol(d);
                break;
            }
            if (ts.isPropertyAssignment(d)) value = d.initializer;
            else if (ts.isBinaryExpression(d)) value = d.right;
            else if (ts.isPropertyAccessExpression(d) && ts.isBinaryExpression(d.parent) && d.parent.left === d) value = d.parent.right;
            if (value && ts.isIdentifier(value)) {
                next = checker.getSymbolAtLocation(value);
                break;
            }
        }
        if (!next || next === sym) return false;
        sym = next;
    }
    return false;
}

/** True for the property name of `exports.f = ...` / `module.exports.f = ...` (the export
 * itself: the value on its right is the reference). */
function isExportTarget(ts, node) {
    const p = node.parent;
    return ts.isPropertyAccessExpression(p) && p.name === node && isExportsObject(ts, p.expression) &&
        ts.isBinaryExpression(p.parent) && p.parent.left === p && p.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

/** The references of one sampled symbol, classified.
 *
 * Two sources, united (each reference says which found it, `via`):
 * - `findReferences` at the definition, then again at the local name of every destructured
 *   `require` binding it finds (the language service does not follow `const { f } = require()`
 *   to the uses of `f`) and at the property of every CommonJS export of it, at most 3 levels;
 * - the symbol scan: every identifier of the same name in --src that the checker resolves to
 *   the definition (`resolvesTo`): the language service does not follow `module.exports.f = f`
 *   from the definition to the files that require `f`, while the checker resolves their
 *   bindings back to it. */
function referencesOf(ts, service, program, checker, def, srcDir, names) {
    const start = def.node.getStart();
    const seen = new Set([`${def.abs}:${start}`]);
    const refs = [];
    const record = (sf, pos, node, via) => {
        const { kind, isCall } = classify(ts, checker, node, def, sf.fileName);
        const lc = sf.getLineAndCharacterOfPosition(pos);
        refs.push({
            file: path.relative(srcDir, sf.fileName).split(path.sep).join("/"),
            line: lc.line + 1,
            column: lc.character + 1,
            kind,
            isCall,
            sameFile: sf.fileName === def.abs,
            via,
            text: lineText(sf, lc.line),
        });
        return kind;
    };
    const t0 = performance.now();
    let queue = [{ file: def.abs, pos: start, depth: 0 }];
    while (queue.length) {
        const { file, pos, depth } = queue.shift();
        const groups = service.findReferences(file, pos) || [];
        const ours = groups.filter((g) => g.definition.fileName === def.abs && g.definition.textSpan.start === start);
        const kept = def.kind === "method" && depth === 0 ? ours : groups;
        for (const g of kept) {
            for (const r of g.references) {
                const k = `${r.fileName}:${r.textSpan.start}`;
                if (seen.has(k)) continue;
                seen.add(k);
                const sf = program.getSourceFile(r.fileName);
                if (!sf || !r.fileName.startsWith(srcDir + path.sep)) continue; // outside --src (typings)
                const node = nodeAt(ts, sf, r.textSpan.start);
                const { kind } = classify(ts, checker, node, def, r.fileName);
                if (r.isDefinition && kind !== "require-binding") continue;
                record(sf, r.textSpan.start, node, depth === 0 ? "findReferences" : "findReferences-cascade");
                const local = kind === "require-binding" ? requireBindingLocal(ts, node)
                    : kind === "export" ? exportedPropertyName(ts, node) : undefined;
                if (local && depth < 3) {
                    const lpos = local.getStart(sf);
                    seen.add(`${r.fileName}:${lpos}`);
                    queue.push({ file: r.fileName, pos: lpos, depth: depth + 1 });
                }
            }
        }
    }
    for (const { sf, node } of names.get(def.name) || []) {
        const pos = node.getStart(sf);
        const k = `${sf.fileName}:${pos}`;
        if (seen.has(k) || isExportTarget(ts, node)) continue;
        const p = node.parent;
        const declaration = ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isParameter(p) ||
            ts.isMethodDeclaration(p) || ts.isClassLike(p) || ts.isPropertyDeclaration(p) || ts.isPropertyAssignment(p) ||
            (ts.isVariableDeclaration(p) && !(p.initializer && isRequireExpr(ts, p.initializer)));
        const declName = declaration && p.name === node; // another declaration of the name (not a require binding)
        if (declName || !resolvesTo(ts, checker, node, def)) continue;
        seen.add(k);
        record(sf, pos, node, "checker-scan");
    }
    const queryMs = performance.now() - t0;
    refs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
    return { refs, queryMs };
}

function main() {
    const args = parseArgs(process.argv.slice(2));
    const require = createRequire(import.meta.url);
    const ts = require(path.resolve(args.typescript));
    const packageDir = path.resolve(args.package);
    const srcDir = path.join(packageDir, args.src);
    const files = listJsFiles(srcDir);
    const tStart = performance.now();
    const service = createService(ts, files, packageDir);
    const program = service.getProgram();
    const checker = program.getTypeChecker();
    const setupMs = performance.now() - tStart;
    const { picked, candidates, functions, methods } = sampleSymbols(ts, program, files, srcDir, args.sample, args.seed);
    const names = identifierIndex(ts, program, files);
    const symbols = [];
    for (const def of picked) {
        const { refs, queryMs } = referencesOf(ts, service, program, checker, def, srcDir, names);
        const lc = program.getSourceFile(def.abs).getLineAndCharacterOfPosition(def.node.getStart());
        symbols.push({
            id: `${def.file}#${def.symbolName}`,
            kind: def.kind,
            name: def.name,
            className: def.className,
            symbolName: def.symbolName,
            file: def.file,
            line: lc.line + 1,
            column: lc.character + 1,
            queryMs: Math.round(queryMs * 1000) / 1000,
            references: refs,
        });
        process.stderr.write(`ts-references: ${def.file}#${def.symbolName}: ${refs.length} references, ${queryMs.toFixed(0)} ms\n`);
    }
    const out = {
        tool: "typescript-language-service",
        typescript: ts.version,
        node: process.version,
        package: path.basename(packageDir),
        src: args.src,
        files: files.length,
        seed: args.seed,
        sample: { requested: args.sample, candidates, functions, methods, picked: picked.length },
        kinds: KINDS,
        setupMs: Math.round(setupMs),
        totalMs: Math.round(performance.now() - tStart),
        loadAverage: loadavg()[0],
        symbols,
    };
    writeFileSync(args.out, JSON.stringify(out, null, 1) + "\n");
    process.stderr.write(`ts-references: ${symbols.length} symbols, ${symbols.reduce((n, s) => n + s.references.length, 0)} references -> ${args.out}\n`);
}

main();
