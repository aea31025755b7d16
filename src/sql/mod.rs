//! SQL text, at the bottom of every stage: one lexer, names, quoting and
//! literals. Nothing here knows a schema; the model, declarations,
//! introspection, diff and render all read and write SQL text through it.
//!
//! - [`lex`]: the one tokenizer (comments, string literals in every form,
//!   dollar quotes, quoted names, numbers, operators, punctuation).
//! - [`quote`]: how graft writes a name ([`quote_ident`], [`qualified`]) or
//!   a string ([`quote_literal`]) into SQL: always quoted and escaped.
//! - [`printed`]: names as PostgreSQL prints them ([`pg_ident`]) and reads
//!   them as `regclass` input ([`parse_pg_name`]).
//! - [`name`]: [`QualName`], identifier rules, generated names.
//! - [`expr`]: expressions: normal form, comparison through column renames,
//!   and the check that a declared expression is exactly one expression.
//! - [`scan`]: what a query, body or expression names (relations,
//!   functions, types, columns) and its select list.

pub mod expr;
pub mod lex;
pub mod name;
pub mod printed;
pub mod quote;
pub mod scan;

pub use expr::{mentions, normalize_expr, same_through_renames};
pub use name::{check_ident, expr_label, make_name, IdentError, QualName, MAX_IDENT_BYTES};
pub use printed::{is_quoted_keyword, parse_pg_name, pg_ident, pg_qualified};
pub use quote::{qualified, quote_ident, quote_literal};
