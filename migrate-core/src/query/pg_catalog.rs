//! PostgreSQL's built-in functions, operators, casts and types, from the files
//! `migrate-core/catalog/postgres/*.tsv` that `generate.py` beside them writes from a real
//! server's `pg_proc`, `pg_operator`, `pg_cast` and `pg_type` (compiled in; parsed once), and
//! the resolution of a call to one of them, after PostgreSQL's rules ("Type Conversion" in its
//! manual, sections 10.2 and 10.3).
//!
//! The resolution never guesses: a call whose overload the rules cannot pick from what is
//! known of its arguments resolves to nothing, and its type stays unknown.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::base_type;

const FUNCTIONS: &str = include_str!("../../catalog/postgres/functions.tsv");
const OPERATORS: &str = include_str!("../../catalog/postgres/operators.tsv");
const CASTS: &str = include_str!("../../catalog/postgres/casts.tsv");
const TYPES: &str = include_str!("../../catalog/postgres/types.tsv");

/// One overload of a built-in function or operator.
#[derive(Debug)]
pub(crate) struct Overload {
    /// `f` function, `a` aggregate, `w` window function, `o` operator.
    pub kind: u8,
    /// NULL exactly when an argument is NULL (`proisstrict`; an aggregate's is about its
    /// transition function, not its result).
    pub strict: bool,
    /// Returns a set (`generate_series`).
    pub set: bool,
    /// The last argument is `VARIADIC`.
    variadic: bool,
    /// How many trailing arguments have defaults.
    defaults: usize,
    pub returns: &'static str,
    /// The argument types (an operator's: left, right; a prefix operator's: right only).
    pub args: Vec<&'static str>,
}

/// The whole catalog.
pub(crate) struct Catalog {
    functions: HashMap<&'static str, Vec<Overload>>,
    /// Binary operators by name.
    binary: HashMap<&'static str, Vec<Overload>>,
    /// Prefix operators by name.
    prefix: HashMap<&'static str, Vec<Overload>>,
    /// Implicit casts (`castcontext = 'i'`), source -> targets.
    implicit: HashMap<&'static str, Vec<&'static str>>,
    /// Every cast: (source, target) -> `castmethod` (`f` a function, `b` binary, `i` I/O).
    casts: HashMap<(&'static str, &'static str), u8>,
    /// Type -> (category, preferred).
    types: HashMap<&'static str, (u8, bool)>,
    /// Internal name (`int4`) -> name (`integer`).
    type_names: HashMap<&'static str, &'static str>,
}

/// What a function-style cast (`text(x)`, `name($1)`) resolves to: like a cast, NULL exactly
/// when its argument is.
static COERCION: Overload = Overload {
    kind: b'f',
    strict: true,
    set: false,
    variadic: false,
    defaults: 0,
    returns: "",
    args: Vec::new(),
};

/// The rows of a file: tab-separated fields; a line starting `# ` is a comment (an operator's
/// name may start with `#`, never with `# `).
fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.starts_with("# ") && !l.is_empty())
        .map(|l| l.split('\t').collect())
}

fn list(text: &'static str) -> Vec<&'static str> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split(',').collect()
    }
}

/// The catalog, parsed on first use.
pub(crate) fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut functions: HashMap<_, Vec<_>> = HashMap::new();
        for r in rows(FUNCTIONS) {
            functions.entry(r[0]).or_default().push(Overload {
                kind: r[1].as_bytes()[0],
                strict: r[2] == "t",
                set: r[3] == "t",
                variadic: r[4] == "t",
                defaults: r[5].parse().unwrap_or(0),
                returns: r[6],
                args: list(r[7]),
            });
        }
        let (mut binary, mut prefix): (HashMap<_, Vec<_>>, HashMap<_, Vec<_>>) = Default::default();
        for r in rows(OPERATORS) {
            let (map, args) = match r[1] {
                "" => (&mut prefix, vec![r[2]]),
                left => (&mut binary, vec![left, r[2]]),
            };
            map.entry(r[0]).or_default().push(Overload {
                kind: b'o',
                strict: r[4] == "t",
                set: false,
                variadic: false,
                defaults: 0,
                returns: r[3],
                args,
            });
        }
        let mut implicit: HashMap<_, Vec<_>> = HashMap::new();
        let mut casts = HashMap::new();
        for r in rows(CASTS) {
            if r[2] == "i" {
                implicit.entry(r[0]).or_default().push(r[1]);
            }
            casts.insert((r[0], r[1]), r[3].as_bytes()[0]);
        }
        let types = rows(TYPES)
            .map(|r| (r[0], (r[1].as_bytes()[0], r[2] == "t")))
            .collect();
        let type_names = rows(TYPES).map(|r| (r[3], r[0])).collect();
        Catalog {
            functions,
            binary,
            prefix,
            implicit,
            casts,
            types,
            type_names,
        }
    })
}

/// What is known of an argument's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arg {
    /// A type (in the schema model's spelling; a type modifier is ignored).
    Known(String),
    /// PostgreSQL's `unknown`: a string literal, `NULL`, a parameter no context typed yet.
    Unknown,
    /// A type the inference cannot tell (or one PostgreSQL does not build in, other than an
    /// enum): it could be any.
    Opaque,
    /// An enum type the migrations create (which `anyenum`, `anyelement` take).
    Enum(String),
}

/// A resolved call.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub overload: &'static Overload,
    /// Its result type with polymorphic types replaced; `None` when they cannot be.
    pub returns: Option<String>,
    /// The type each argument is taken as (a parameter gets it); `None` for `"any"` or an
    /// unresolved polymorphic type.
    pub params: Vec<Option<String>>,
}

/// How an argument fits a parameter of an overload.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fit {
    Exact,
    /// Through an implicit cast, or a polymorphic or `"any"` parameter.
    Coerced,
    /// An `unknown` argument (fits anything).
    Unknown,
    /// An opaque argument: it may fit.
    Maybe,
}

impl Catalog {
    /// The category (`pg_type.typcategory`) and preferredness of a type; arrays are `A`.
    fn category(&self, t: &str) -> Option<(u8, bool)> {
        if t.ends_with("[]") {
            return Some((b'A', false));
        }
        self.types.get(t).copied()
    }

    /// A type PostgreSQL builds in (or an array of one).
    fn builtin(&self, t: &str) -> bool {
        self.types.contains_key(t.strip_suffix("[]").unwrap_or(t))
    }

    /// An implicit cast from `from` to `to` exists (arrays: of their elements).
    fn implicit(&self, from: &str, to: &str) -> bool {
        if let (Some(f), Some(t)) = (from.strip_suffix("[]"), to.strip_suffix("[]")) {
            return f == t || self.implicit(f, t);
        }
        self.implicit.get(from).is_some_and(|ts| ts.contains(&to))
    }

    /// PostgreSQL's `select_common_type` over known types: `None` when they mix categories.
    fn common(&self, types: &[&str]) -> Option<String> {
        if let Some(first) = types.first()
            && types.iter().all(|t| t == first)
        {
            return Some((*first).to_owned());
        }
        let mut it = types.iter();
        let mut chosen = *it.next()?;
        let (category, _) = self.category(chosen)?;
        for &next in it {
            if next == chosen {
                continue;
            }
            let (c, preferred) = self.category(next)?;
            if c != category {
                return None;
            }
            let chosen_preferred = self.category(chosen).is_some_and(|(_, p)| p);
            if !chosen_preferred
                && (preferred || self.implicit(chosen, next))
                && !self.implicit(next, chosen)
            {
                chosen = next;
            }
        }
        // Every one must cast to the choice.
        types
            .iter()
            .all(|t| *t == chosen || self.implicit(t, chosen))
            .then(|| chosen.to_owned())
    }

    /// Binds an overload's parameters to `args`: each argument's fit, or `None` when it cannot
    /// take them; with the types its polymorphic parameters stand for.
    fn bind(&self, params: &[&'static str], args: &[Arg]) -> Option<Binding> {
        let mut fits = Vec::with_capacity(args.len());
        let (mut same, mut compatible) = (Vec::new(), Vec::new());
        let mut maybe_polymorphic = false;
        for (&p, a) in params.iter().zip(args) {
            let fit = match a {
                Arg::Unknown => Fit::Unknown,
                // `resolve` makes an enum a known type (that no built-in one is).
                Arg::Enum(_) => return None,
                Arg::Opaque => {
                    maybe_polymorphic |= p.starts_with("any");
                    Fit::Maybe
                }
                Arg::Known(t) if t == p => Fit::Exact,
                Arg::Known(t) => {
                    let array = t.strip_suffix("[]");
                    match p {
                        "\"any\"" => Fit::Coerced,
                        "anyelement" => {
                            same.push(t.clone());
                            Fit::Coerced
                        }
                        "anynonarray" if array.is_none() => {
                            same.push(t.clone());
                            Fit::Coerced
                        }
                        // No built-in type is an enum; each other type left is one.
                        "anyenum" if array.is_none() && !self.builtin(t) => {
                            same.push(t.clone());
                            Fit::Coerced
                        }
                        "anyarray" if array.is_some() => {
                            same.push(array?.to_owned());
                            Fit::Coerced
                        }
                        "anycompatible" => {
                            compatible.push(t.clone());
                            Fit::Coerced
                        }
                        "anycompatiblenonarray" if array.is_none() => {
                            compatible.push(t.clone());
                            Fit::Coerced
                        }
                        "anycompatiblearray" if array.is_some() => {
                            compatible.push(array?.to_owned());
                            Fit::Coerced
                        }
                        // Ranges, enums: no built-in type of ours is one we can bind.
                        p if p.starts_with("any") => return None,
                        p if self.implicit(t, p) => Fit::Coerced,
                        _ => return None,
                    }
                }
            };
            fits.push(fit);
        }
        let same = match same.split_first() {
            None => None,
            Some((first, rest)) if rest.iter().all(|t| t == first) => Some(first.clone()),
            Some(_) => return None,
        };
        let refs: Vec<&str> = compatible.iter().map(String::as_str).collect();
        let compatible = match refs.is_empty() {
            true => None,
            false => Some(self.common(&refs)?),
        };
        if same.as_deref().is_some_and(|t| t.ends_with("[]")) && params.contains(&"anynonarray") {
            return None;
        }
        Some(Binding {
            fits,
            same,
            compatible,
            maybe_polymorphic,
        })
    }

    /// The concrete type polymorphic `t` stands for under `b` (`t` itself when not
    /// polymorphic; `None` when unbound or not bindable).
    fn concrete(&self, t: &str, b: &Binding) -> Option<String> {
        let (element, array) = match t {
            "anyelement" | "anynonarray" | "anyenum" => (b.same.clone(), false),
            "anyarray" => (b.same.clone(), true),
            "anycompatible" | "anycompatiblenonarray" => (b.compatible.clone(), false),
            "anycompatiblearray" => (b.compatible.clone(), true),
            "\"any\"" => return None,
            t if t.starts_with("any") => return None,
            t => return Some(t.to_owned()),
        };
        let element = element?;
        Some(if array {
            format!("{element}[]")
        } else {
            element
        })
    }

    /// Resolves a call of function `name`.
    pub fn function(&'static self, name: &str, args: &[Arg]) -> Option<Resolved> {
        let overloads = self.functions.get(name)?;
        let n = args.len();
        let candidates = overloads.iter().filter_map(|o| {
            let declared = o.args.len();
            if o.variadic && n >= declared {
                let last = o.args[declared - 1];
                let element = match last {
                    "\"any\"" => last,
                    "anyarray" => "anyelement",
                    "anycompatiblearray" => "anycompatible",
                    t => t.strip_suffix("[]")?,
                };
                let mut params = o.args[..declared - 1].to_vec();
                params.resize(n, element);
                Some((o, params))
            } else if n <= declared && n + o.defaults >= declared {
                Some((o, o.args[..n].to_vec()))
            } else {
                None
            }
        });
        let mut candidates: Vec<_> = candidates.collect();
        // `jsonb_delete(jsonb, text)` and `jsonb_delete(jsonb, VARIADIC text[])` called with
        // one text: the one that is not variadic (as PostgreSQL's candidate list keeps).
        let plain: Vec<Vec<&str>> = candidates
            .iter()
            .filter(|(o, _)| !o.variadic)
            .map(|(_, p)| p.clone())
            .collect();
        candidates.retain(|(o, p)| !o.variadic || !plain.contains(p));
        if let [arg] = args
            && let Some(&target) = self.type_names.get(name)
        {
            return self.function_style_cast(candidates, arg, target);
        }
        self.resolve(candidates, args, false)
    }

    /// `name(x)` where `name` is a type's internal name: the function that fits `x` exactly if
    /// there is one, else a cast when PostgreSQL would make it one (no cast function between
    /// the types: a relabelling or through text), else a function by the usual rules.
    fn function_style_cast(
        &'static self,
        candidates: Vec<(&'static Overload, Vec<&'static str>)>,
        arg: &Arg,
        target: &'static str,
    ) -> Option<Resolved> {
        let arg = match arg {
            Arg::Known(t) if self.builtin(&base_type(t)) => Arg::Known(base_type(t)),
            Arg::Known(_) | Arg::Opaque | Arg::Enum(_) => return None,
            Arg::Unknown => Arg::Unknown,
        };
        let cast = || Resolved {
            overload: &COERCION,
            returns: Some(target.to_owned()),
            params: vec![Some(target.to_owned())],
        };
        let string = |t: &str| self.category(t).is_some_and(|(c, _)| c == b'S');
        match &arg {
            Arg::Known(t) => {
                if candidates.iter().any(|(_, p)| p[0] == t) {
                    return self.resolve(candidates, &[arg], false);
                }
                let method = self.casts.get(&(t.as_str(), target)).copied();
                let coercion = t == target
                    || method == Some(b'b')
                    || (method.is_none() && (string(target) || string(t)));
                if coercion {
                    Some(cast())
                } else {
                    self.resolve(candidates, &[arg], false)
                }
            }
            // An unknown parameter is cast to a string type (`name($1)`: `$1` is a `name`);
            // else the function applies by the usual rules (`date($1)` is
            // `date(timestamp with time zone)`). An unknown literal is always cast, to the
            // type the function of that name returns anyway.
            _ if string(target) => Some(cast()),
            _ => self.resolve(candidates, &[arg], false),
        }
    }

    /// Resolves a binary operator `left name right`.
    pub fn binary(&'static self, name: &str, left: Arg, right: Arg) -> Option<Resolved> {
        let overloads = self.binary.get(name)?;
        let candidates = overloads.iter().map(|o| (o, o.args.clone())).collect();
        self.resolve(candidates, &[left, right], true)
    }

    /// Resolves a prefix operator `name operand`.
    pub fn prefix(&'static self, name: &str, operand: Arg) -> Option<Resolved> {
        let overloads = self.prefix.get(name)?;
        let candidates = overloads.iter().map(|o| (o, o.args.clone())).collect();
        // A prefix operator's `unknown` operand is never an exact match: as a function's.
        self.resolve(candidates, &[operand], false)
    }

    fn resolve(
        &'static self,
        candidates: Vec<(&'static Overload, Vec<&'static str>)>,
        args: &[Arg],
        operator: bool,
    ) -> Option<Resolved> {
        // A type PostgreSQL does not build in (an enum, a domain) may be one that a
        // polymorphic parameter or a domain's base type takes: opaque.
        let args: Vec<Arg> = args
            .iter()
            .map(|a| match a {
                Arg::Known(t) => {
                    let t = base_type(t);
                    if self.builtin(&t) {
                        Arg::Known(t)
                    } else {
                        Arg::Opaque
                    }
                }
                Arg::Enum(t) => Arg::Known(t.clone()),
                other => other.clone(),
            })
            .collect();
        let mut viable: Vec<Candidate> = candidates
            .into_iter()
            .filter_map(|(overload, params)| {
                let binding = self.bind(&params, &args)?;
                Some(Candidate {
                    overload,
                    params,
                    binding,
                })
            })
            .collect();
        if args.contains(&Arg::Opaque) {
            // Any of them might be the one: only a result they all share is sure.
            let first = viable.first()?;
            let returns = self.concrete(first.overload.returns, &first.binding)?;
            let agree = viable.iter().all(|c| {
                !c.binding.maybe_polymorphic
                    && self.concrete(c.overload.returns, &c.binding).as_ref() == Some(&returns)
                    && c.overload.strict == first.overload.strict
                    && c.overload.kind == first.overload.kind
                    && c.overload.set == first.overload.set
            });
            return agree.then(|| Resolved {
                overload: first.overload,
                returns: Some(returns),
                params: vec![None; args.len()],
            });
        }
        // Exact match (an operator's unknown side counts as the other side's type).
        let exact = |c: &Candidate| {
            c.params
                .iter()
                .zip(&args)
                .enumerate()
                .all(|(i, (p, a))| match a {
                    Arg::Known(t) => t == p,
                    Arg::Unknown if operator => match &args[1 - i] {
                        Arg::Known(other) => other == p,
                        _ => false,
                    },
                    _ => false,
                })
        };
        if let Some(c) = viable.iter().find(|c| exact(c)) {
            return Some(self.resolved(c));
        }
        // Most exact matches.
        let keep_max = |viable: &mut Vec<Candidate>, score: &dyn Fn(&Candidate) -> usize| {
            let best = viable.iter().map(score).max().unwrap_or(0);
            viable.retain(|c| score(c) == best);
        };
        if viable.len() > 1 {
            keep_max(&mut viable, &|c| {
                c.binding.fits.iter().filter(|f| **f == Fit::Exact).count()
            });
        }
        // Preferred types (of each known argument's category) where a conversion is needed.
        if viable.len() > 1 {
            keep_max(&mut viable, &|c| {
                c.params
                    .iter()
                    .zip(&args)
                    .filter(|(p, a)| match a {
                        Arg::Known(t) => {
                            *p == t
                                || self
                                    .category(t)
                                    .is_some_and(|(cat, _)| self.category(p) == Some((cat, true)))
                        }
                        _ => false,
                    })
                    .count()
            });
        }
        // Unknown arguments: the string category if a candidate takes it there, else the
        // one category all take; then preferred types of it.
        let unknowns: Vec<usize> = (0..args.len())
            .filter(|&i| args[i] == Arg::Unknown)
            .collect();
        if viable.len() > 1 && !unknowns.is_empty() {
            let category =
                |c: &Candidate, i: usize| self.category(c.params[i]).unwrap_or((b'P', false));
            let mut chosen = Vec::new();
            for &i in &unknowns {
                let mut slot = category(&viable[0], i).0;
                let mut conflict = false;
                for c in &viable[1..] {
                    let (cat, _) = category(c, i);
                    if cat == slot {
                        continue;
                    }
                    if cat == b'S' {
                        slot = b'S';
                    } else {
                        conflict = true;
                    }
                }
                if conflict && slot != b'S' {
                    chosen.clear();
                    break;
                }
                let preferred = viable.iter().any(|c| category(c, i) == (slot, true));
                chosen.push((i, slot, preferred));
            }
            if !chosen.is_empty() {
                viable.retain(|c| {
                    chosen.iter().all(|&(i, slot, preferred)| {
                        let (cat, p) = category(c, i);
                        cat == slot && (p || !preferred)
                    })
                });
            }
            // Known arguments all of one type: the unknown ones are taken as that type.
            if viable.len() > 1 {
                let known: Vec<&String> = args
                    .iter()
                    .filter_map(|a| match a {
                        Arg::Known(t) => Some(t),
                        _ => None,
                    })
                    .collect();
                if let Some(t) = known.first()
                    && known.iter().all(|k| k == t)
                {
                    let all = vec![Arg::Known((*t).clone()); args.len()];
                    let takes: Vec<&Candidate> = viable
                        .iter()
                        .filter(|c| self.bind(&c.params, &all).is_some())
                        .collect();
                    if let [one] = takes.as_slice() {
                        return Some(self.resolved(one));
                    }
                }
            }
        }
        match viable.as_slice() {
            [one] => Some(self.resolved(one)),
            _ => None,
        }
    }

    fn resolved(&self, c: &Candidate) -> Resolved {
        Resolved {
            overload: c.overload,
            returns: self.concrete(c.overload.returns, &c.binding),
            params: c
                .params
                .iter()
                .map(|p| self.concrete(p, &c.binding))
                .collect(),
        }
    }
}

/// The types an overload's polymorphic parameters take from the arguments.
#[derive(Debug)]
struct Binding {
    fits: Vec<Fit>,
    /// What `anyelement` stands for.
    same: Option<String>,
    /// What `anycompatible` stands for.
    compatible: Option<String>,
    /// An opaque argument meets a polymorphic parameter.
    maybe_polymorphic: bool,
}

struct Candidate {
    overload: &'static Overload,
    params: Vec<&'static str>,
    binding: Binding,
}
