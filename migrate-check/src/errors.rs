//! What a check finds: every problem of an item, each with where it is and the one-line fix,
//! collected so one build (or one `cargo migrate rows`) shows them all.

use proc_macro2::{Span, TokenStream};

/// One problem of a derived item.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The token the problem is on (a field, a variant, an attribute's value, the item).
    pub span: Span,
    /// The field or variant it is about; `None` for the item as a whole.
    pub member: Option<String>,
    /// The whole message, as the derive reports it.
    pub message: String,
    /// The problem alone, where the message goes on with its advice (`None`: the message).
    pub problem: Option<String>,
    /// The one-line fix, where one fits the item as written.
    pub fix: Option<String>,
}

impl Finding {
    /// A finding on `span` about `member` (a field or variant), with its fix.
    pub fn new(
        span: Span,
        member: Option<String>,
        message: String,
        fix: impl Into<String>,
    ) -> Self {
        Finding {
            span,
            member,
            message,
            problem: None,
            fix: Some(fix.into()),
        }
    }

    /// The problem alone (the message without its advice).
    pub fn problem(mut self, problem: String) -> Self {
        self.problem = Some(problem);
        self
    }
}

/// A field whose type is judged by its `ColumnType` impl, which only the compiler can see:
/// the derive emits a constant that fails to compile unless the type's kind is allowed.
#[derive(Clone, Debug)]
pub struct Deferred {
    /// The field's type, where the build reports it.
    pub span: Span,
    /// The field.
    pub member: String,
    /// The type as written (the element for a `Vec` of enums), without spaces.
    pub ty: String,
    /// The `Kind`s that read the column, as tokens (`::migrate_runtime::Kind::I64`).
    pub allowed: Vec<String>,
    /// What the build says when the kind is not allowed.
    pub message: String,
    /// The one-line fix for that case.
    pub fix: String,
}

/// Everything the checks of one item found.
#[derive(Default)]
pub struct Errors {
    /// What is wrong, each on its span.
    pub findings: Vec<Finding>,
    /// The fields left to the compiler.
    pub deferred: Vec<Deferred>,
}

impl Errors {
    /// Records every error in `error`, about no member in particular and without a fix.
    pub fn push(&mut self, error: syn::Error) {
        for e in error {
            self.findings.push(Finding {
                span: e.span(),
                member: None,
                message: e.to_string(),
                problem: None,
                fix: None,
            });
        }
    }

    /// Records a finding.
    pub fn add(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// The value, or `None` after recording its error.
    pub fn ok<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    /// Every finding as one `syn::Error`, or `None` when there is none.
    pub fn to_error(&self) -> Option<syn::Error> {
        let mut iter = self
            .findings
            .iter()
            .map(|f| syn::Error::new(f.span, &f.message));
        let mut first = iter.next()?;
        for e in iter {
            first.combine(e);
        }
        Some(first)
    }
}

/// What a derive's check produced: the tokens to emit (the impls and the generated checks,
/// which are also the fallback beside errors, as thiserror does, so that no second error
/// such as "the trait `Table` is not implemented" follows from the first) and what it found.
pub struct Checked {
    /// The impls and the generated checks.
    pub tokens: TokenStream,
    /// What the checks found.
    pub errors: Errors,
}

impl Checked {
    /// A check that could not start: only the error, no tokens.
    pub fn failed(error: syn::Error) -> Checked {
        let mut errors = Errors::default();
        errors.push(error);
        Checked {
            tokens: TokenStream::new(),
            errors,
        }
    }

    /// The errors (if any), then the tokens.
    pub fn into_tokens(self) -> TokenStream {
        let mut tokens = match self.errors.to_error() {
            Some(error) => error.into_compile_error(),
            None => TokenStream::new(),
        };
        tokens.extend(self.tokens);
        tokens
    }
}
