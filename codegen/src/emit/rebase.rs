//! Moving generated code under another module: `crate::X` → `crate::path::X`.
//!
//! The emitter writes paths from the crate root (`crate::Error`, `crate::models::Runtime`).
//! When a build script includes the generated modules somewhere below the root of its
//! crate, every such path, intra-doc links included, must start at that module instead.

use proc_macro2::{Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// `tokens` with every path that starts at `crate::` starting at `crate::<module>::`
/// (`module`: `functiongraph` or `services::ecs`). An empty `module` changes nothing.
pub fn rebase(tokens: TokenStream, module: &str) -> TokenStream {
    if module.is_empty() {
        return tokens;
    }
    let mut out = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tree) = iter.next() {
        match tree {
            TokenTree::Ident(ident) if ident == "crate" => {
                out.push(TokenTree::Ident(ident));
                if matches!(iter.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ':') {
                    for segment in module.split("::") {
                        out.push(colon(Spacing::Joint));
                        out.push(colon(Spacing::Alone));
                        out.push(TokenTree::Ident(Ident::new(segment, Span::call_site())));
                    }
                }
            }
            TokenTree::Group(group) => {
                let mut rebased = Group::new(group.delimiter(), rebase(group.stream(), module));
                rebased.set_span(group.span());
                out.push(TokenTree::Group(rebased));
            }
            TokenTree::Literal(literal) => out.push(TokenTree::Literal(rebase_doc_text(literal, module))),
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

fn colon(spacing: Spacing) -> TokenTree {
    TokenTree::Punct(Punct::new(':', spacing))
}

/// Intra-doc links (`` [`Error`](crate::Error) ``) in a doc string literal.
fn rebase_doc_text(literal: Literal, module: &str) -> Literal {
    let Ok(syn::Lit::Str(text)) = syn::parse2::<syn::Lit>(TokenTree::Literal(literal.clone()).into()) else {
        return literal;
    };
    let value = text.value();
    if !value.contains("(crate::") {
        return literal;
    }
    let mut rebased = Literal::string(&value.replace("(crate::", &format!("(crate::{module}::")));
    rebased.set_span(literal.span());
    rebased
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn paths_and_doc_links_move_under_the_module() {
        let tokens = quote! {
            /// See [`Error`](crate::Error).
            pub fn f(e: &crate::Endpoint) -> Result<(), crate::Error> { let _ = "crate::x"; }
        };
        let text = rebase(tokens, "services::fgs").to_string();
        assert!(text.contains("crate :: services :: fgs :: Endpoint"), "{text}");
        assert!(text.contains("crate :: services :: fgs :: Error"), "{text}");
        assert!(text.contains("(crate::services::fgs::Error)"), "{text}");
        assert!(text.contains("\"crate::x\""), "plain strings stay: {text}");
    }
}
