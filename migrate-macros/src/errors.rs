//! Collects every error of an item, so one build shows them all.

#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(first) => first.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// The value, or `None` after recording its error.
    pub fn ok<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    pub fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// A derive that failed: its errors, and the impls to emit beside them so that no second error
/// ("the trait `Table` is not implemented") follows from the first, as thiserror does.
pub struct Failed {
    pub error: syn::Error,
    pub fallback: proc_macro2::TokenStream,
}

impl From<syn::Error> for Failed {
    fn from(error: syn::Error) -> Failed {
        Failed {
            error,
            fallback: proc_macro2::TokenStream::new(),
        }
    }
}

impl Failed {
    /// The errors, then the fallback.
    pub fn into_tokens(self) -> proc_macro2::TokenStream {
        let mut tokens = self.error.into_compile_error();
        tokens.extend(self.fallback);
        tokens
    }
}

/// The tokens, with the errors (if any) emitted before them.
pub fn with_fallback(
    errors: Errors,
    tokens: proc_macro2::TokenStream,
) -> Result<proc_macro2::TokenStream, Failed> {
    match errors.finish() {
        Ok(()) => Ok(tokens),
        Err(error) => Err(Failed {
            error,
            fallback: tokens,
        }),
    }
}
