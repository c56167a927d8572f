#!/usr/bin/env python3
"""The crate's module import graph, from the `crate::` and `super::` paths in src/.

Prints every import cycle (a strongly connected component of more than one module) and every
import that goes up the layers below, and exits 1 if there is a cycle other than the allowed one
or any upward import. `-v` prints the whole graph.
Test modules (`#[cfg(test)] mod tests`) and comments are not counted, nor a mod.rs re-exporting its
own children (`pub use child::Item;`): that is the module's face, not its code using the child.
"""
import os
import re
import sys

# Modules that may import each other: a client makes request builders, a builder sends through
# its client.
ALLOWED = [{"client", "client::builder", "client::request_builder"}]

# The layers, bottom up: a module may import its own layer and the ones below, never above.
# (`js` is the npm adapter on top of everything.)
LAYERS = [
    ["error", "float", "http", "rt", "text", "prelude"],
    ["body", "extensions", "multipart", "request", "response", "events", "transport"],
    ["middleware", "log"],
    ["auth"],
    ["client", "testing"],
    ["js"],
]

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def modules():
    found = {}
    for dirpath, _, files in os.walk(ROOT):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(dirpath, f)
            name = os.path.relpath(path, ROOT)[:-3].replace(os.sep, "::")
            if name.endswith("::mod"):
                name = name[:-5]
            found["crate" if name == "lib" else name] = path
    return found


def strip(src):
    src = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", src, flags=re.S)
    return re.sub(r"//[^\n]*", "", src)


def code_of_parent(src):
    """A mod.rs without its re-exports: `pub use child::X;` is the module's public face, not
    a use of the child by the parent's code."""
    return re.sub(r"pub(\([\w:]+\))? use [^;]*;", "", strip(src))


def expand(prefix, body):
    """`a::{b, c::{d}}` -> ["a::b", "a::c::d"] (enough for imports written by rustfmt)."""
    out, depth, cur = [], 0, ""
    for ch in body + ",":
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            item = cur.strip()
            cur = ""
            if not item:
                continue
            m = re.match(r"([\w:]*?)::\{(.*)\}$", item, flags=re.S)
            if m:
                out += expand(prefix + m.group(1) + "::", m.group(2))
            else:
                out.append(prefix + item.split(" as ")[0].strip())
        else:
            cur += ch
    return out


def paths(src):
    for m in re.finditer(r"\b(crate|super)::\{", src):
        start = m.end()
        depth, i = 1, start
        while depth and i < len(src):
            depth += {"{": 1, "}": -1}.get(src[i], 0)
            i += 1
        for p in expand("", src[start : i - 1]):
            yield m.group(1), p
    for m in re.finditer(r"\b(crate|super)::((?:[A-Za-z_]\w*)(?:::[A-Za-z_]\w*)*)", src):
        yield m.group(1), m.group(2)


def main():
    mods = modules()
    names = set(mods)
    # Items the crate root re-exports: `pub use a::b::{X, Y};` -> X means module a::b.
    reexports = {}
    lib = strip(open(mods["crate"]).read())
    for m in re.finditer(r"pub use ([\w:]+?)(?:::\{([^}]*)\}|::(\w+));", lib):
        for item in (m.group(2) or m.group(3)).split(","):
            if item.strip():
                reexports[item.strip()] = m.group(1)

    def resolve(path):
        parts = path.split("::")
        for i in range(len(parts), 0, -1):
            cand = "::".join(parts[:i])
            if cand in names:
                return cand
        if parts[0] in reexports:
            return resolve(reexports[parts[0]])
        return None

    edges = {m: set() for m in mods}
    for m, path in mods.items():
        if m == "crate":
            continue
        is_dir = path.endswith("mod.rs")
        here = m if is_dir else (m.rsplit("::", 1)[0] if "::" in m else "crate")
        parent = here.rsplit("::", 1)[0] if "::" in here else "crate"
        for kind, p in paths(strip(open(path).read())):
            if kind == "super":
                base = parent if is_dir else here
                p = p if base == "crate" else base + "::" + p
                target = resolve(p) or (base if base in names else None)
            else:
                target = resolve(p)
            if target and target != m and target != "crate":
                edges[m].add(target)
        if is_dir:
            # A mod.rs naming its own submodules: `child::item()`, `use child::Item;`, and a
            # re-export `pub use child::Item;` only where the parent's own code uses `Item`.
            src = strip(open(path).read())
            code = code_of_parent(src)
            for child in re.findall(r"(?<![\w:])([a-z_]\w*)::", code):
                target = (m + "::" + child) if m != "crate" else child
                if target in names:
                    edges[m].add(target)
            for r in re.finditer(r"pub(?:\([\w:]+\))? use (\w+)::(?:\{([^}]*)\}|(\w+))", src):
                target = (m + "::" + r.group(1)) if m != "crate" else r.group(1)
                items = [i.strip() for i in (r.group(2) or r.group(3)).split(",") if i.strip()]
                if target in names and any(re.search(r"\b%s\b" % i, code) for i in items):
                    edges[m].add(target)

    index, low, stack, on, comps = {}, {}, [], set(), []
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            comps.append(comp)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    if "-v" in sys.argv:
        for m in sorted(edges):
            print(f"{m} -> {', '.join(sorted(edges[m]))}")
    bad = 0
    layer = {top: i for i, tops in enumerate(LAYERS) for top in tops}
    for m in sorted(edges):
        for t in sorted(edges[m]):
            lm, lt = layer.get(m.split("::")[0]), layer.get(t.split("::")[0])
            if lm is not None and lt is not None and lt > lm:
                print(f"layer violation: {m} imports {t}")
                bad += 1
    for comp in comps:
        if len(comp) < 2:
            continue
        ok = any(comp <= allowed for allowed in ALLOWED)
        print(("allowed cycle: " if ok else "import cycle: ") + " ".join(sorted(comp)))
        bad += not ok
    print(f"{len(mods)} modules, {sum(map(len, edges.values()))} imports, {bad} forbidden cycles or layer violations")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
