//! The one SQL lexer: splits text into tokens the way PostgreSQL's scanner
//! (`scan.l`) does as far as graft needs it. Every token is a byte range of
//! the source, so consumers can copy, rewrite or reprint text exactly.
//!
//! - whitespace, `-- …` line comments and nested `/* … */` block comments;
//! - bare words (keywords and names: start with a letter, `_` or any
//!   non-ASCII character, continue with those, digits and `$`) and `"…"`
//!   names (`""` is one `"`), also `U&"…"`;
//! - string literals `'…'` (`''` is one `'`), `E'…'` (backslash escapes
//!   too), `B'…'`, `X'…'`, `N'…'`, `U&'…'`, and dollar quotes
//!   `$tag$…$tag$`;
//! - numbers (`1`, `1.5`, `.5`, `1e-3`, and PostgreSQL 16's `0x1F`,
//!   `1_000`), positional parameters `$1`;
//! - punctuation `(` `)` `[` `]` `,` `.` `;` `::`, and operators: a run of
//!   `+ - * / < > = ~ ! @ # % ^ & | ` ? :` that stops before a comment
//!   starts; any other character is an operator of its own.
//!
//! It never fails: a literal, quoted name or comment that does not end runs
//! to the end of the text and is marked [`Token::terminated`] `false`.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Whitespace.
    Space,
    /// `-- …` up to (not including) the line break.
    LineComment,
    /// `/* … */`, nested as PostgreSQL nests them.
    BlockComment,
    /// A bare word: a keyword or an unquoted name.
    Ident,
    /// A double-quoted name (`"…"` or `U&"…"`).
    QuotedIdent,
    /// A string literal of the given form.
    Str(Quote),
    /// A number.
    Number,
    /// A positional parameter, `$1`.
    Param,
    /// An operator, or any character that is nothing else.
    Op,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `;`
    Semicolon,
    /// `::`
    Cast,
}

/// The form of a string literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quote {
    /// `'…'`
    Plain,
    /// `E'…'`: backslash escapes.
    Escape,
    /// `B'…'` or `X'…'`.
    Bit,
    /// `N'…'`.
    National,
    /// `U&'…'`.
    Unicode,
    /// `$tag$…$tag$`.
    Dollar,
}

/// One token: its kind and where it is in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// What it is.
    pub kind: Kind,
    /// Its text, exactly as in the source.
    pub text: &'a str,
    /// Byte offset of its start in the source.
    pub start: usize,
    /// `false` for a literal, quoted name or block comment the text ends
    /// inside.
    pub terminated: bool,
}

impl<'a> Token<'a> {
    /// Byte offset just past its end.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// Whitespace or a comment.
    pub fn is_trivia(&self) -> bool {
        matches!(
            self.kind,
            Kind::Space | Kind::LineComment | Kind::BlockComment
        )
    }

    /// A bare or quoted name.
    pub fn is_name(&self) -> bool {
        matches!(self.kind, Kind::Ident | Kind::QuotedIdent)
    }

    /// A string literal of any form.
    pub fn is_string(&self) -> bool {
        matches!(self.kind, Kind::Str(_))
    }

    /// Whether this is the bare word `word` (lower case), in any case.
    pub fn is_keyword(&self, word: &str) -> bool {
        self.kind == Kind::Ident && self.text.eq_ignore_ascii_case(word)
    }

    /// Whether this is the operator (or other symbol) `op` exactly.
    pub fn is_op(&self, op: &str) -> bool {
        self.kind == Kind::Op && self.text == op
    }

    /// The name a bare or quoted name denotes: bare words folded to lower
    /// case, quoted ones without their quotes (`""` unescaped). `None` for
    /// other tokens.
    pub fn name(&self) -> Option<String> {
        match self.kind {
            Kind::Ident => Some(self.text.to_lowercase()),
            Kind::QuotedIdent => Some(self.unquoted()),
            _ => None,
        }
    }

    /// A name as written: bare words unchanged, quoted ones without their
    /// quotes. `None` for other tokens.
    pub fn name_as_written(&self) -> Option<String> {
        match self.kind {
            Kind::Ident => Some(self.text.to_string()),
            Kind::QuotedIdent => Some(self.unquoted()),
            _ => None,
        }
    }

    fn unquoted(&self) -> String {
        let t = self.text;
        let t = t
            .strip_prefix("U&")
            .or_else(|| t.strip_prefix("u&"))
            .unwrap_or(t);
        let t = t.strip_prefix('"').unwrap_or(t);
        let t = if self.terminated {
            t.strip_suffix('"').unwrap_or(t)
        } else {
            t
        };
        t.replace("\"\"", "\"")
    }
}

/// Characters that start a bare word (PostgreSQL: letters, `_`, any byte
/// of a non-ASCII character).
pub fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || !c.is_ascii()
}

/// Characters that continue a bare word: those, digits and `$`.
pub fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

/// Characters operators are made of.
fn op_char(c: char) -> bool {
    "+-*/<>=~!@#%^&|`?:".contains(c)
}

/// Splits `sql` into tokens, whitespace and comments included: the texts
/// of the tokens concatenate back to `sql`.
pub fn tokens(sql: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut lexer = Lexer { sql, pos: 0 };
    while let Some(t) = lexer.next_token() {
        out.push(t);
    }
    out
}

/// The tokens of `sql` without whitespace and comments.
pub fn solid(sql: &str) -> Vec<Token<'_>> {
    let mut t = tokens(sql);
    t.retain(|t| !t.is_trivia());
    t
}

struct Lexer<'a> {
    sql: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.sql[self.pos..].chars().nth(ahead)
    }

    fn rest(&self) -> &'a str {
        &self.sql[self.pos..]
    }

    /// Advances past one character.
    fn bump(&mut self) {
        if let Some(c) = self.rest().chars().next() {
            self.pos += c.len_utf8();
        }
    }

    fn bump_while(&mut self, f: impl Fn(char) -> bool) {
        while self.peek(0).is_some_and(&f) {
            self.bump();
        }
    }

    fn next_token(&mut self) -> Option<Token<'a>> {
        let start = self.pos;
        let c = self.peek(0)?;
        let mut terminated = true;
        let kind = if c.is_whitespace() {
            self.bump_while(char::is_whitespace);
            Kind::Space
        } else if self.rest().starts_with("--") {
            self.bump_while(|c| c != '\n');
            Kind::LineComment
        } else if self.rest().starts_with("/*") {
            terminated = self.block_comment();
            Kind::BlockComment
        } else if c == '"' {
            terminated = self.quoted('"', false);
            Kind::QuotedIdent
        } else if c == '\'' {
            terminated = self.quoted('\'', false);
            Kind::Str(Quote::Plain)
        } else if c == '$' {
            if self.peek(1).is_some_and(|d| d.is_ascii_digit()) {
                self.bump();
                self.bump_while(|d| d.is_ascii_digit());
                Kind::Param
            } else if let Some(tag) = self.dollar_tag() {
                terminated = self.dollar_body(tag);
                Kind::Str(Quote::Dollar)
            } else {
                self.bump();
                Kind::Op
            }
        } else if ident_start(c) {
            self.word(&mut terminated)
        } else if c.is_ascii_digit()
            || (c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit()))
        {
            self.number();
            Kind::Number
        } else if self.rest().starts_with("::") {
            self.pos += 2;
            Kind::Cast
        } else if let Some(k) = punctuation(c) {
            self.bump();
            k
        } else if op_char(c) {
            self.bump();
            while self.peek(0).is_some_and(op_char)
                && !self.rest().starts_with("--")
                && !self.rest().starts_with("/*")
            {
                self.bump();
            }
            Kind::Op
        } else {
            self.bump();
            Kind::Op
        };
        Some(Token {
            kind,
            text: &self.sql[start..self.pos],
            start,
            terminated,
        })
    }

    /// A nested block comment; whether it ends.
    fn block_comment(&mut self) -> bool {
        let mut depth = 0usize;
        while !self.rest().is_empty() {
            if self.rest().starts_with("/*") {
                depth += 1;
                self.pos += 2;
            } else if self.rest().starts_with("*/") {
                depth -= 1;
                self.pos += 2;
                if depth == 0 {
                    return true;
                }
            } else {
                self.bump();
            }
        }
        false
    }

    /// A literal or name from the quote at the current position through
    /// the closing one (doubled quotes stay inside; with `backslash`, so do
    /// escaped characters); whether it ends.
    fn quoted(&mut self, quote: char, backslash: bool) -> bool {
        self.bump();
        while let Some(c) = self.peek(0) {
            self.bump();
            if backslash && c == '\\' {
                self.bump();
            } else if c == quote {
                if self.peek(0) == Some(quote) {
                    self.bump();
                } else {
                    return true;
                }
            }
        }
        false
    }

    /// The dollar-quote tag (`$$`, `$body$`) at the current position.
    fn dollar_tag(&self) -> Option<&'a str> {
        let rest = self.rest();
        let mut chars = rest.char_indices().skip(1);
        for (i, c) in chars.by_ref() {
            if c == '$' {
                return Some(&rest[..=i]);
            }
            let ok = if i == 1 {
                ident_start(c)
            } else {
                ident_char(c) && c != '$'
            };
            if !ok {
                return None;
            }
        }
        None
    }

    /// Past the tag and the body through the closing tag; whether it ends.
    fn dollar_body(&mut self, tag: &str) -> bool {
        self.pos += tag.len();
        match self.rest().find(tag) {
            Some(i) => {
                self.pos += i + tag.len();
                true
            }
            None => {
                self.pos = self.sql.len();
                false
            }
        }
    }

    /// A bare word, or the prefix of a literal or quoted name (`E'`, `B'`,
    /// `X'`, `N'`, `U&'`, `U&"`).
    fn word(&mut self, terminated: &mut bool) -> Kind {
        let start = self.pos;
        self.bump_while(ident_char);
        let word = &self.sql[start..self.pos];
        let next = self.peek(0);
        let prefix = |p: &str| word.eq_ignore_ascii_case(p);
        if next == Some('\'') && prefix("e") {
            *terminated = self.quoted('\'', true);
            Kind::Str(Quote::Escape)
        } else if next == Some('\'') && (prefix("b") || prefix("x")) {
            *terminated = self.quoted('\'', false);
            Kind::Str(Quote::Bit)
        } else if next == Some('\'') && prefix("n") {
            *terminated = self.quoted('\'', false);
            Kind::Str(Quote::National)
        } else if next == Some('&') && prefix("u") && matches!(self.peek(1), Some('\'' | '"')) {
            self.bump();
            let quote = self.peek(0).unwrap_or('\'');
            *terminated = self.quoted(quote, false);
            if quote == '"' {
                Kind::QuotedIdent
            } else {
                Kind::Str(Quote::Unicode)
            }
        } else {
            Kind::Ident
        }
    }

    /// Digits, a fraction, an exponent, and any letters, digits or `_`
    /// glued to them (`0x1F`, `1_000`).
    fn number(&mut self) {
        self.bump_while(|c| c.is_ascii_digit());
        if self.peek(0) == Some('.') && self.peek(1) != Some('.') {
            self.bump();
            self.bump_while(|c| c.is_ascii_digit());
        }
        if matches!(self.peek(0), Some('e' | 'E')) {
            let sign = matches!(self.peek(1), Some('+' | '-'));
            let digit_at = if sign { 2 } else { 1 };
            if self.peek(digit_at).is_some_and(|c| c.is_ascii_digit()) {
                for _ in 0..digit_at {
                    self.bump();
                }
            }
        }
        self.bump_while(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    }
}

fn punctuation(c: char) -> Option<Kind> {
    Some(match c {
        '(' => Kind::LParen,
        ')' => Kind::RParen,
        '[' => Kind::LBracket,
        ']' => Kind::RBracket,
        ',' => Kind::Comma,
        '.' => Kind::Dot,
        ';' => Kind::Semicolon,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(sql: &str) -> Vec<(Kind, &str)> {
        tokens(sql).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn every_token_kind() {
        use Kind::*;
        assert_eq!(
            kinds("a /* b /* c */ d */ E'x\\'y' $f$ z; $f$ \"Q\"\"\" -- e\n F"),
            [
                (Ident, "a"),
                (Space, " "),
                (BlockComment, "/* b /* c */ d */"),
                (Space, " "),
                (Str(Quote::Escape), "E'x\\'y'"),
                (Space, " "),
                (Str(Quote::Dollar), "$f$ z; $f$"),
                (Space, " "),
                (QuotedIdent, "\"Q\"\"\""),
                (Space, " "),
                (LineComment, "-- e"),
                (Space, "\n "),
                (Ident, "F"),
            ]
        );
        assert_eq!(
            kinds("x::app.t[1]>=-.5e-3,$1;'it''s'b'01'X'1f'n'z'U&'d'U&\"q\""),
            [
                (Ident, "x"),
                (Cast, "::"),
                (Ident, "app"),
                (Dot, "."),
                (Ident, "t"),
                (LBracket, "["),
                (Number, "1"),
                (RBracket, "]"),
                (Op, ">=-"),
                (Number, ".5e-3"),
                (Comma, ","),
                (Param, "$1"),
                (Semicolon, ";"),
                (Str(Quote::Plain), "'it''s'"),
                (Str(Quote::Bit), "b'01'"),
                (Str(Quote::Bit), "X'1f'"),
                (Str(Quote::National), "n'z'"),
                (Str(Quote::Unicode), "U&'d'"),
                (QuotedIdent, "U&\"q\""),
            ]
        );
        // operators stop where a comment starts; `$` alone, `\` are operators
        assert_eq!(
            kinds("a+--x\n*/*y*/$\\"),
            [
                (Ident, "a"),
                (Op, "+"),
                (LineComment, "--x"),
                (Space, "\n"),
                (Op, "*"),
                (BlockComment, "/*y*/"),
                (Op, "$"),
                (Op, "\\"),
            ]
        );
        // names may hold `$` and digits, and any non-ASCII character
        assert_eq!(
            kinds("a$b1 été"),
            [(Ident, "a$b1"), (Space, " "), (Ident, "été")]
        );
        // `$1$` is a parameter then `$`: tags do not start with a digit
        assert_eq!(kinds("$1$"), [(Param, "$1"), (Op, "$")]);
    }

    #[test]
    fn unterminated_tokens_run_to_the_end() {
        for sql in [
            "'abc",
            "E'ab\\'",
            "\"ab",
            "$x$ab$y$",
            "/* a /* b */",
            "U&'x",
        ] {
            let t = tokens(sql);
            assert_eq!(t.len(), 1, "{sql}: {t:?}");
            assert!(!t[0].terminated, "{sql}");
            assert_eq!(t[0].text, sql);
        }
        assert!(tokens("-- to the end").iter().all(|t| t.terminated));
    }

    #[test]
    fn names_fold_or_unquote() {
        let t = solid("Foo \"Bar\"\"x\" U&\"y\" 'z'");
        assert_eq!(t[0].name().as_deref(), Some("foo"));
        assert_eq!(t[0].name_as_written().as_deref(), Some("Foo"));
        assert_eq!(t[1].name().as_deref(), Some("Bar\"x"));
        assert_eq!(t[2].name().as_deref(), Some("y"));
        assert_eq!(t[3].name(), None);
    }

    proptest! {
        /// Any text: the tokens cover it exactly, in order, and none is empty.
        #[test]
        fn tokens_cover_the_text(sql in "\\PC{0,60}") {
            let t = tokens(&sql);
            let mut at = 0;
            for tok in &t {
                prop_assert_eq!(tok.start, at);
                prop_assert!(!tok.text.is_empty());
                at = tok.end();
            }
            prop_assert_eq!(at, sql.len());
        }

        /// SQL-ish text made of the characters that matter: still a cover,
        /// and a token of one kind is never split by another.
        #[test]
        fn sql_alphabet_is_covered(sql in "[a-zE$'\"();:.,\\-/*+<>= \n0-9_]{0,80}") {
            let t = tokens(&sql);
            let joined: String = t.iter().map(|t| t.text).collect();
            prop_assert_eq!(&joined, &sql);
            for w in t.windows(2) {
                // two words or two numbers side by side would be one token
                let glued = w[0].kind == w[1].kind
                    && matches!(w[0].kind, Kind::Ident | Kind::Space | Kind::Number);
                prop_assert!(!glued, "{:?}", w);
            }
        }

        /// A string literal written by [`super::super::quote_literal`] is one
        /// token, whatever it holds.
        #[test]
        fn quoted_literals_are_one_token(s in "\\PC{0,40}") {
            let lit = super::super::quote_literal(&s);
            let t = tokens(&lit);
            prop_assert_eq!(t.len(), 1);
            prop_assert!(t[0].is_string() && t[0].terminated);
        }

        /// A name written by [`super::super::quote_ident`] is one token that
        /// denotes that name.
        #[test]
        fn quoted_names_are_one_token(s in "\\PC{1,40}") {
            let q = super::super::quote_ident(&s);
            let t = tokens(&q);
            prop_assert_eq!(t.len(), 1);
            prop_assert_eq!(t[0].name(), Some(s));
        }
    }
}
