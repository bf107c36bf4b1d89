#!/usr/bin/env python3
# Lists the public API of migrate-runtime from rustdoc JSON (nightly):
#   cargo +nightly rustdoc -p migrate-runtime --lib --features postgres,sqlite,sqlx-migrate,tls-rustls \
#     -- -Z unstable-options --output-format json
#   python3 .ci/public-api.py target/doc/migrate_runtime.json
# Review its output against docs/src/public-api.md when the surface changes.
import json, sys
d = json.load(open(sys.argv[1]))
idx = d['index']; paths = d['paths']
def get(i): return idx.get(str(i))
def ty(t):
    if t is None: return '()'
    k, v = next(iter(t.items()))
    if k == 'primitive': return v
    if k == 'generic': return v
    if k == 'resolved_path':
        name = v['path'].split('::')[-1]
        a = v.get('args')
        return name + gargs(a)
    if k == 'borrowed_ref':
        lt = (v['lifetime'] + ' ') if v.get('lifetime') else ''
        return '&' + lt + ('mut ' if v['is_mutable'] else '') + ty(v['type'])
    if k == 'slice': return '[' + ty(v) + ']'
    if k == 'array': return '[' + ty(v['type']) + '; ' + v['len'] + ']'
    if k == 'tuple': return '(' + ', '.join(ty(x) for x in v) + ')'
    if k == 'impl_trait': return 'impl ' + ' + '.join(bound(b) for b in v)
    if k == 'dyn_trait':
        s = ' + '.join(p['trait']['path'].split('::')[-1] + gargs(p['trait'].get('args')) for p in v['traits'])
        if v.get('lifetime'): s += ' + ' + v['lifetime']
        return 'dyn ' + s
    if k == 'qualified_path': return '<' + ty(v['self_type']) + (' as ' + v['trait']['path'] if v.get('trait') else '') + '>::' + v['name']
    if k == 'function_pointer': return 'fn(..)'
    return k
def gargs(a):
    if not a: return ''
    if 'angle_bracketed' in a:
        xs = []
        for g in a['angle_bracketed']['args']:
            gk, gv = next(iter(g.items()))
            xs.append(gv if gk == 'lifetime' else ty(gv) if gk == 'type' else str(gv))
        for c in a['angle_bracketed'].get('constraints', []):
            xs.append(c['name'] + ' = ..')
        return '<' + ', '.join(xs) + '>' if xs else ''
    if 'parenthesized' in a:
        p = a['parenthesized']
        return '(' + ', '.join(ty(x) for x in p['inputs']) + ')' + (' -> ' + ty(p['output']) if p.get('output') else '')
    return ''
def bound(b):
    if 'trait_bound' in b:
        t = b['trait_bound']['trait']; return t['path'].split('::')[-1] + gargs(t.get('args'))
    if 'outlives' in b: return b['outlives']
    return '?'
def generics(g):
    ps = []
    for p in g['params']:
        if 'lifetime' in p['kind']: ps.append(p['name'])
        elif 'type' in p['kind']:
            bs = p['kind']['type']['bounds']
            if p['kind']['type'].get('is_synthetic'): continue
            ps.append(p['name'] + (': ' + ' + '.join(bound(b) for b in bs) if bs else ''))
    return '<' + ', '.join(ps) + '>' if ps else ''
def where(g):
    ws = []
    for w in g.get('where_predicates', []):
        if 'bound_predicate' in w:
            bp = w['bound_predicate']; ws.append(ty(bp['type']) + ': ' + ' + '.join(bound(b) for b in bp['bounds']))
    return (' where ' + ', '.join(ws)) if ws else ''
def fn_sig(name, f):
    s = f['sig']
    ins = []
    for n, t in s['inputs']:
        if n == 'self':
            tt = ty(t); ins.append({'Self': 'self', '&Self': '&self', '&mut Self': '&mut self'}.get(tt, 'self: ' + tt))
        else: ins.append(n + ': ' + ty(t))
    out = (' -> ' + ty(s['output'])) if s.get('output') else ''
    hdr = f['header']
    pre = ('const ' if hdr.get('is_const') else '') + ('async ' if hdr.get('is_async') else '')
    return pre + 'fn ' + name + generics(f['generics']) + '(' + ', '.join(ins) + ')' + out + where(f['generics'])
def hidden(it): 
    return any('hidden' in (a if isinstance(a,str) else json.dumps(a)) for a in it.get('attrs', []))
def attrs(it):
    return ' #[non_exhaustive]' if any('non_exhaustive' in (a if isinstance(a,str) else json.dumps(a)) for a in it.get('attrs',[])) else ''
out = []
def walk_item(it, prefix):
    k, v = next(iter(it['inner'].items()))
    name = prefix + it['name']
    if k == 'module':
        out.append(f'pub mod {name}')
        walk_mod(it, name + '::')
    elif k == 'struct':
        kind = v['kind']
        out.append(f'pub struct {name}{generics(v["generics"])}{attrs(it)}')
        if 'plain' in kind:
            for f in kind['plain']['fields']:
                fi = get(f); out.append(f'pub {name}::{fi["name"]}: {ty(fi["inner"]["struct_field"])}')
        elif 'tuple' in kind:
            out.append(f'pub {name}(' + ', '.join(ty(get(f)['inner']['struct_field']) if f is not None else '_' for f in kind['tuple']) + ')')
        impls(v['impls'], name)
    elif k == 'enum':
        out.append(f'pub enum {name}{generics(v["generics"])}{attrs(it)}')
        for vid in v['variants']:
            vi = get(vid); vk = vi['inner']['variant']['kind']
            if vk == 'plain': out.append(f'pub {name}::{vi["name"]}')
            elif 'tuple' in vk: out.append(f'pub {name}::{vi["name"]}(' + ', '.join(ty(get(f)['inner']['struct_field']) for f in vk['tuple'] if f is not None) + ')')
            else: out.append(f'pub {name}::{vi["name"]} {{ ' + ', '.join(get(f)['name'] + ': ' + ty(get(f)['inner']['struct_field']) for f in vk['struct']['fields']) + ' }')
        impls(v['impls'], name)
    elif k == 'trait':
        sup = ' + '.join(bound(b) for b in v['bounds'])
        out.append(f'pub trait {name}{generics(v["generics"])}' + (': ' + sup if sup else ''))
        for m in v['items']:
            mi = get(m)
            if 'function' in mi['inner']: out.append(f'pub {name}::' + fn_sig(mi['name'], mi['inner']['function']))
        # The types implementing ColumnType are the book's type tables, not listed here.
        for i in ([] if name.endswith('::ColumnType') else v.get('implementations', [])):
            ii = get(i)
            if ii: out.append(f'impl {name} for {ty(ii["inner"]["impl"]["for"])}')
    elif k == 'function':
        out.append('pub ' + fn_sig(name, v))
    elif k == 'constant':
        out.append(f'pub const {name}: {ty(v["type"])}')
    elif k == 'macro' or k == 'proc_macro':
        out.append(f'pub macro {name}!')
    else:
        out.append(f'pub {k} {name}')
def impls(ids, name):
    for i in ids:
        ii = get(i)
        if not ii: continue
        im = ii['inner']['impl']
        if im.get('is_synthetic') or im.get('blanket_impl'): continue
        # Derived standard traits (Debug, Clone, PartialEq, …) are left out.
        if any('automatically_derived' in (a if isinstance(a,str) else json.dumps(a)) for a in ii.get('attrs', [])): continue
        if im['trait'] is None:
            for m in im['items']:
                mi = get(m)
                if mi and mi.get('visibility') == 'public' and 'function' in mi['inner'] and not hidden(mi):
                    out.append(f'pub {name}::' + fn_sig(mi['name'], mi['inner']['function']))
        else:
            tn = im['trait']['path'].split('::')[-1]
            # An impl for another type that names this one (`From<&Migrator> for sqlx's Migrator`).
            target = im['for'].get('resolved_path', {}).get('path', '')
            shown = name if target in ('', name.split('::')[-1], name) else target
            out.append(f'impl {tn}{gargs(im["trait"].get("args"))} for {shown}')
def walk_mod(m, prefix):
    for i in m['inner']['module']['items']:
        it = get(i)
        if it is None: continue
        if hidden(it): 
            out.append(f'#[doc(hidden)] pub mod {prefix}{it["name"]} (not public API)'); continue
        if 'use' in it['inner']:
            u = it['inner']['use']
            tgt = get(u['id']) if u.get('id') is not None else None
            if tgt is not None and tgt.get('crate_id') == 0:
                if u['name'] != tgt['name']:
                    tgt = dict(tgt); tgt['name'] = u['name']
                walk_item(tgt, prefix)
            else:
                p = paths.get(str(u['id']))
                src = '::'.join(p['path']) if p else u['source']
                kind = p['kind'] if p else '?'
                out.append(f'pub use {prefix}{u["name"]} = {src} ({kind})')
            continue
        walk_item(it, prefix)
root = get(d['root'])
walk_mod(root, 'migrate_runtime::')
print('\n'.join(out))
