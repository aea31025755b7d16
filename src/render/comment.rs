//! `COMMENT ON` an object other than a table or a column.

use super::function::signature;
use super::parts::comment_on;
use crate::diff::{CommentChange, CommentTarget};
use crate::sql::{qualified, quote_ident};

/// The statements of a change to a comment.
pub(super) fn render(c: &CommentChange) -> Vec<String> {
    let CommentChange::Set { target, comment } = c;
    let (what, name) = match target {
        CommentTarget::View { name } => ("VIEW", qualified(name)),
        CommentTarget::MaterializedView { name } => ("MATERIALIZED VIEW", qualified(name)),
        CommentTarget::Sequence { name } => ("SEQUENCE", qualified(name)),
        CommentTarget::Function {
            name,
            args,
            procedure,
        } => (
            if *procedure { "PROCEDURE" } else { "FUNCTION" },
            signature(name, args.iter()),
        ),
        CommentTarget::Trigger { table, name } => (
            "TRIGGER",
            format!("{} ON {}", quote_ident(name), qualified(table)),
        ),
    };
    vec![comment_on(what, &name, comment)]
}
