//! The expectation table (`tests/corpus/EXPECTED`): per case and check,
//! `pass` or `fail: <stage>: <reason>`. A line is
//!
//! ```text
//! <case> <check> pass
//! <case> <check> fail: <stage>: <reason as observed>
//! ```
//!
//! A check that was expected to pass and fails, one expected to fail that
//! passes, and one that fails at another stage than the table says are
//! all mismatches: the table has to follow graft as fixes land. The reason
//! after the stage is for people (graft's error, or what the dumps show);
//! only the stage is compared, so rewording an error message does not
//! break the corpus.

use std::collections::BTreeMap;
use std::fmt;

/// One check of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    /// `graft diff --from <empty> --to ORIGINAL`, applied to a fresh database.
    Diff,
    /// `graft pull` from ORIGINAL, `graft apply` of the files into a fresh database.
    Pull,
    /// `graft diff --from A --to B`, applied to A.
    Pair,
    /// `graft diff --from B --to A`, applied to B.
    Back,
    /// Whenever a rebuilt database's dump differs from its original,
    /// `graft diff --check` between the two must not exit 0.
    Blind,
}

impl Check {
    /// Every check, in the order the summary prints them.
    pub const ALL: [Check; 5] = [
        Check::Diff,
        Check::Pull,
        Check::Pair,
        Check::Back,
        Check::Blind,
    ];

    /// The check's name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Check::Diff => "diff",
            Check::Pull => "pull",
            Check::Pair => "pair",
            Check::Back => "back",
            Check::Blind => "blind",
        }
    }

    fn parse(s: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.name() == s)
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `graft diff` exited non-zero.
    GraftDiff,
    /// psql failed on the SQL `graft diff` printed.
    ApplySql,
    /// `graft pull` exited non-zero.
    GraftPull,
    /// `graft apply` of the pulled files exited non-zero.
    GraftApply,
    /// Everything ran; `pg_dump` of the result differs from the original.
    DumpDiffers,
    /// `graft diff` did not print a warning the case file expects
    /// (`-- corpus-expect-stderr: TEXT`).
    StderrLacks,
    /// `graft diff --check` exited 0 between two databases whose dumps differ.
    Unseen,
}

impl Stage {
    const ALL: [Stage; 7] = [
        Stage::GraftDiff,
        Stage::ApplySql,
        Stage::GraftPull,
        Stage::GraftApply,
        Stage::DumpDiffers,
        Stage::StderrLacks,
        Stage::Unseen,
    ];

    /// The stage's name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Stage::GraftDiff => "graft diff",
            Stage::ApplySql => "apply sql",
            Stage::GraftPull => "graft pull",
            Stage::GraftApply => "graft apply",
            Stage::DumpDiffers => "dump differs",
            Stage::StderrLacks => "stderr lacks",
            Stage::Unseen => "unseen",
        }
    }

    fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.name() == s)
    }
}

/// What a check did, or is expected to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// It passed.
    Pass,
    /// It failed at `stage`, for `reason`.
    Fail {
        /// Where.
        stage: Stage,
        /// Why, in one line.
        reason: String,
    },
}

impl Status {
    /// A failure at `stage`; the reason is cut to one line.
    pub fn fail(stage: Stage, reason: &str) -> Status {
        let line = reason.lines().next().unwrap_or("").trim();
        let reason: String = line.chars().take(160).collect();
        Status::Fail { stage, reason }
    }

    fn parse(s: &str) -> Result<Status, String> {
        if s == "pass" {
            return Ok(Status::Pass);
        }
        let rest = s
            .strip_prefix("fail:")
            .ok_or_else(|| format!("`{s}`: neither `pass` nor `fail: <stage>: <reason>`"))?
            .trim();
        let (stage, reason) = rest.split_once(':').unwrap_or((rest, ""));
        let stage = Stage::parse(stage.trim()).ok_or_else(|| {
            format!(
                "`{s}`: the stage is one of {}",
                Stage::ALL.map(Stage::name).join(", ")
            )
        })?;
        Ok(Status::Fail {
            stage,
            reason: reason.trim().to_string(),
        })
    }

    /// Whether two statuses agree: both pass, or both fail at one stage.
    pub fn agrees(&self, other: &Status) -> bool {
        match (self, other) {
            (Status::Pass, Status::Pass) => true,
            (Status::Fail { stage: a, .. }, Status::Fail { stage: b, .. }) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Pass => f.write_str("pass"),
            Status::Fail { stage, reason } if reason.is_empty() => {
                write!(f, "fail: {}", stage.name())
            }
            Status::Fail { stage, reason } => write!(f, "fail: {}: {reason}", stage.name()),
        }
    }
}

/// The table: (case, check) → expected status.
pub type Table = BTreeMap<(String, Check), Status>;

/// Parses the table; errors name the line.
pub fn parse(text: &str) -> Result<Table, String> {
    let mut table = Table::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |e: String| format!("EXPECTED line {}: {e}", n + 1);
        let (case, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim_start();
        let (check, status) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let status = status.trim();
        let check = Check::parse(check).ok_or_else(|| at(format!("unknown check `{check}`")))?;
        let status = Status::parse(status).map_err(at)?;
        if table.insert((case.to_string(), check), status).is_some() {
            return Err(at(format!("{case} {check} is listed twice")));
        }
    }
    Ok(table)
}

/// The table as text, one line per case and check in `order`; the header
/// comment is kept.
pub fn render(header: &str, order: &[String], table: &Table) -> String {
    let width = order.iter().map(String::len).max().unwrap_or(0);
    let mut out = header.to_string();
    for case in order {
        for check in Check::ALL {
            if let Some(s) = table.get(&(case.clone(), check)) {
                out.push_str(&format!("{case:width$} {:5} {s}\n", check.name()));
            }
        }
    }
    out
}

/// The leading comment lines of a table file.
pub fn header(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if !(line.starts_with('#') || line.trim().is_empty()) {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_and_print_back() {
        let text = "# head\n\nx   diff  pass\nx blind fail: unseen: exit 0\ny pair fail: dump differs: an index lost its opclass\n";
        let t = parse(text).unwrap();
        assert_eq!(t[&("x".into(), Check::Diff)], Status::Pass);
        assert_eq!(
            t[&("y".into(), Check::Pair)],
            Status::Fail {
                stage: Stage::DumpDiffers,
                reason: "an index lost its opclass".into()
            }
        );
        let order = ["x".to_string(), "y".to_string()];
        assert_eq!(parse(&render(&header(text), &order, &t)).unwrap(), t);
        assert!(parse("x diff maybe").unwrap_err().contains("line 1"));
        assert!(parse("x dif pass").unwrap_err().contains("unknown check"));
        assert!(parse("x diff fail: oops: y").unwrap_err().contains("stage"));
        assert!(parse("x diff pass\nx diff pass")
            .unwrap_err()
            .contains("twice"));
    }

    #[test]
    fn only_the_stage_of_a_failure_is_compared() {
        let a = Status::fail(Stage::ApplySql, "relation x does not exist\nmore");
        let b = Status::fail(Stage::ApplySql, "something else");
        assert!(a.agrees(&b));
        assert!(!a.agrees(&Status::fail(Stage::DumpDiffers, "")));
        assert!(!a.agrees(&Status::Pass));
        assert_eq!(a.to_string(), "fail: apply sql: relation x does not exist");
    }
}
