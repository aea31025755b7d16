//! A unified line diff of two pretty-printed snapshots that stays near
//! linear in their size.
//!
//! A plain line diff (Myers, `O((N+M)·D)`; `similar`'s implementation also
//! explores every diagonal up to `D`, so `O(D²)` when one side is small) took
//! minutes for the first migration of 10,000 tables, where every line is an
//! insertion. The snapshot's shape helps: every object of the schema (a
//! table, a view, a function, …) is one array element, printed as a block of
//! lines indented deeper than its opening line. So the diff runs in two
//! levels:
//!
//! 1. **Blocks.** A block starts at every line indented by at most
//!    [`BLOCK_INDENT`] spaces (object openings, closers, section keys) and
//!    runs to the next such line. Its *key* is its text up to its first
//!    `"name": "…"` line: for a table, `{`, `"name": {`, `"schema": …`,
//!    `"name": …`. Blocks whose key occurs exactly once on each side are
//!    paired, keeping the longest run that is in order on both sides (the
//!    patience step: `O(B log B)`). Between two pairs, the blocks left over
//!    are matched by key with Myers when the gap is small, else they are
//!    deleted and inserted whole.
//! 2. **Lines**, inside each pair of blocks that differ: Myers over the lines
//!    of the two blocks only (one object: tens to hundreds of lines), under a
//!    deadline.
//!
//! The result is a correct line diff (its equal lines are equal, and it
//! turns the old text into the new), printed as a unified diff with three
//! lines of context, as `similar` prints one.

use similar::{capture_diff_slices, capture_diff_slices_deadline, group_diff_ops};
use similar::{Algorithm, DiffOp, DiffTag};
use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;
use std::time::{Duration, Instant};

/// Lines indented by this many spaces or fewer start a block: in a pretty
/// snapshot, `{` (0), `"schema": {` (2), `"tables": [` (4) and each object
/// of a section (6).
const BLOCK_INDENT: usize = 6;

/// Gaps between paired blocks with more than this many block pairs to
/// consider (`old × new`) are not aligned further: their blocks are deleted
/// and inserted whole. Below it Myers on block keys costs at most about
/// `(old + new)²` ≈ a million steps.
const GAP_LIMIT: usize = 250_000;

/// How long the line diffs inside changed blocks may take in all; past it a
/// changed block is shown deleted and inserted whole (still correct).
const LINE_BUDGET: Duration = Duration::from_secs(2);

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The unified diff of `old` and `new` (`--- old`, `+++ new`, hunks), empty
/// when they are equal.
pub(crate) fn unified(old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let ops = line_ops(&a, &b);
    let mut out = String::from("--- old\n+++ new\n");
    for group in group_diff_ops(ops, CONTEXT) {
        let _ = writeln!(out, "{}", similar::udiff::UnifiedHunkHeader::new(&group));
        for op in &group {
            let (tag, o, n) = op.as_tag_tuple();
            if matches!(tag, DiffTag::Equal) {
                push_lines(&mut out, ' ', &a[o]);
                continue;
            }
            if matches!(tag, DiffTag::Delete | DiffTag::Replace) {
                push_lines(&mut out, '-', &a[o]);
            }
            if matches!(tag, DiffTag::Insert | DiffTag::Replace) {
                push_lines(&mut out, '+', &b[n]);
            }
        }
    }
    out
}

fn push_lines(out: &mut String, tag: char, lines: &[&str]) {
    for l in lines {
        out.push(tag);
        out.push_str(l);
        out.push('\n');
    }
}

/// The line operations turning `a` into `b`: contiguous, covering both
/// sides in order, adjacent operations of one kind merged.
fn line_ops(a: &[&str], b: &[&str]) -> Vec<DiffOp> {
    let (ba, bb) = (blocks(a), blocks(b));
    let ka: Vec<Key> = ba.iter().map(|r| key(a, r)).collect();
    let kb: Vec<Key> = bb.iter().map(|r| key(b, r)).collect();
    let mut ops = Ops {
        a,
        b,
        ba: &ba,
        bb: &bb,
        out: Vec::new(),
        deadline: Instant::now() + LINE_BUDGET,
    };
    let (mut i, mut j) = (0, 0);
    for (pi, pj) in anchors(&ka, &kb) {
        ops.gap(i..pi, j..pj, &ka[i..pi], &kb[j..pj]);
        ops.pair(pi, pj);
        (i, j) = (pi + 1, pj + 1);
    }
    ops.gap(i..ba.len(), j..bb.len(), &ka[i..], &kb[j..]);
    ops.out
}

/// The line ranges of the blocks of `lines` (see the module docs).
fn blocks(lines: &[&str]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let indent = l.len() - l.trim_start_matches(' ').len();
        match out.last_mut() {
            Some(last) if indent > BLOCK_INDENT => last.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

/// A block's identity: its lines up to and including the first that holds a
/// string-valued `"name"`, or all of them.
type Key<'x, 't> = &'x [&'t str];

fn key<'x, 't>(lines: &'x [&'t str], r: &Range<usize>) -> Key<'x, 't> {
    let end = lines[r.clone()]
        .iter()
        .position(|l| l.trim_start().starts_with("\"name\": \""))
        .map_or(r.end, |p| r.start + p + 1);
    &lines[r.start..end]
}

/// Pairs of block indices whose key occurs once on each side, the longest
/// subsequence in order on both (patience).
fn anchors(ka: &[Key], kb: &[Key]) -> Vec<(usize, usize)> {
    let mut seen: HashMap<Key, (usize, usize, usize, usize)> = HashMap::new();
    for (i, k) in ka.iter().enumerate() {
        let e = seen.entry(*k).or_insert((0, 0, i, 0));
        e.0 += 1;
    }
    for (j, k) in kb.iter().enumerate() {
        if let Some(e) = seen.get_mut(k) {
            e.1 += 1;
            e.3 = j;
        }
    }
    let mut pairs: Vec<(usize, usize)> = seen
        .values()
        .filter(|e| e.0 == 1 && e.1 == 1)
        .map(|e| (e.2, e.3))
        .collect();
    pairs.sort_unstable();
    longest_increasing(&pairs)
}

/// The longest subsequence of `pairs` (sorted by `.0`) increasing in `.1`.
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // tails[k]: index into pairs of the smallest tail of a run of length k+1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (p, &(_, j)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < j);
        prev[p] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(p);
        } else {
            tails[k] = p;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(p) = at {
        out.push(pairs[p]);
        at = prev[p];
    }
    out.reverse();
    out
}

/// The operations being built.
struct Ops<'x, 't> {
    a: &'x [&'t str],
    b: &'x [&'t str],
    ba: &'x [Range<usize>],
    bb: &'x [Range<usize>],
    out: Vec<DiffOp>,
    deadline: Instant,
}

impl Ops<'_, '_> {
    /// Blocks `x` (old) and `y` (new) between two anchors, or before the
    /// first or after the last.
    fn gap(&mut self, x: Range<usize>, y: Range<usize>, ka: &[Key], kb: &[Key]) {
        if x.is_empty() || y.is_empty() || x.len() * y.len() > GAP_LIMIT {
            self.replace(
                lines_of(self.ba, &x, self.a.len()),
                lines_of(self.bb, &y, self.b.len()),
            );
            return;
        }
        for op in capture_diff_slices(Algorithm::Myers, ka, kb) {
            let (tag, o, n) = op.as_tag_tuple();
            let (o, n) = (
                o.start + x.start..o.end + x.start,
                n.start + y.start..n.end + y.start,
            );
            match tag {
                DiffTag::Equal => {
                    for (i, j) in o.zip(n) {
                        self.pair(i, j);
                    }
                }
                _ => self.replace(
                    lines_of(self.ba, &o, self.a.len()),
                    lines_of(self.bb, &n, self.b.len()),
                ),
            }
        }
    }

    /// Old block `i` and new block `j`, which have the same key.
    fn pair(&mut self, i: usize, j: usize) {
        let (x, y) = (self.ba[i].clone(), self.bb[j].clone());
        if self.a[x.clone()] == self.b[y.clone()] {
            self.push(DiffOp::Equal {
                old_index: x.start,
                new_index: y.start,
                len: x.len(),
            });
            return;
        }
        let ops = capture_diff_slices_deadline(
            Algorithm::Myers,
            &self.a[x.clone()],
            &self.b[y.clone()],
            Some(self.deadline),
        );
        for op in ops {
            let (tag, o, n) = op.as_tag_tuple();
            let (o, n) = (
                o.start + x.start..o.end + x.start,
                n.start + y.start..n.end + y.start,
            );
            match tag {
                DiffTag::Equal => self.push(DiffOp::Equal {
                    old_index: o.start,
                    new_index: n.start,
                    len: o.len(),
                }),
                _ => self.replace(o, n),
            }
        }
    }

    /// Old lines `o` deleted and new lines `n` inserted.
    fn replace(&mut self, o: Range<usize>, n: Range<usize>) {
        if !o.is_empty() {
            self.push(DiffOp::Delete {
                old_index: o.start,
                old_len: o.len(),
                new_index: n.start,
            });
        }
        if !n.is_empty() {
            self.push(DiffOp::Insert {
                old_index: o.end,
                new_index: n.start,
                new_len: n.len(),
            });
        }
    }

    /// Appends `op`, merged into the last one when they are of one kind and
    /// adjacent (so that long equal runs split hunks, as they should).
    fn push(&mut self, op: DiffOp) {
        use DiffOp::*;
        if let Some(last) = self.out.last_mut() {
            match (last, &op) {
                (Equal { len, .. }, Equal { len: more, .. }) => {
                    *len += more;
                    return;
                }
                (Delete { old_len, .. }, Delete { old_len: more, .. }) => {
                    *old_len += more;
                    return;
                }
                (Insert { new_len, .. }, Insert { new_len: more, .. }) => {
                    *new_len += more;
                    return;
                }
                _ => {}
            }
        }
        self.out.push(op);
    }
}

/// The lines of blocks `r`; for no blocks, the empty range where block
/// `r.start` begins (or at the end, `total`).
fn lines_of(blocks: &[Range<usize>], r: &Range<usize>, total: usize) -> Range<usize> {
    if r.is_empty() {
        let at = blocks.get(r.start).map_or(total, |b| b.start);
        return at..at;
    }
    blocks[r.start].start..blocks[r.end - 1].end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_support::generated_schema;
    use crate::model::Schema;
    use crate::snapshot::Snapshot;
    use proptest::prelude::*;

    /// Applies the unified diff `patch` to `old`, checking every context
    /// and deleted line against it.
    fn apply(old: &str, patch: &str) -> String {
        let a: Vec<&str> = old.lines().collect();
        let mut out: Vec<&str> = Vec::new();
        let mut at = 0;
        let mut lines = patch.lines();
        assert_eq!(lines.next(), Some("--- old"));
        assert_eq!(lines.next(), Some("+++ new"));
        for l in lines {
            if let Some(h) = l.strip_prefix("@@ -") {
                let range = h.split(' ').next().unwrap();
                let mut it = range.split(',');
                let start: usize = it.next().unwrap().parse().unwrap();
                let len: usize = it.next().map_or(1, |n| n.parse().unwrap());
                let start = if len == 0 { start } else { start - 1 };
                assert!(start >= at, "hunks in order: {l}");
                out.extend(&a[at..start]);
                at = start;
                continue;
            }
            let (tag, text) = l.split_at(1);
            match tag {
                " " | "-" => {
                    assert_eq!(a[at], text, "line {at} of the old text");
                    if tag == " " {
                        out.push(text);
                    }
                    at += 1;
                }
                "+" => out.push(text),
                _ => panic!("unexpected line {l:?}"),
            }
        }
        out.extend(&a[at..]);
        out.join("\n")
    }

    fn check(old: &str, new: &str) -> String {
        let d = unified(old, new);
        if old == new {
            assert!(d.is_empty());
        } else {
            assert_eq!(apply(old, &d), new.lines().collect::<Vec<_>>().join("\n"));
        }
        d
    }

    fn pretty(s: &Schema) -> String {
        Snapshot::new(s.clone()).pretty()
    }

    #[test]
    fn generated_schemas_patch_back() {
        let empty = pretty(&Schema::default());
        let (v0, v1) = (
            pretty(&generated_schema(60, 0)),
            pretty(&generated_schema(60, 1)),
        );
        for (x, y) in [
            (&v0, &v1),
            (&v1, &v0),
            (&empty, &v1),
            (&v1, &empty),
            (&v0, &v0),
        ] {
            check(x, y);
        }
        // Small changes give small hunks: one column type changed is one
        // hunk with one line out and one in.
        let mut s = generated_schema(60, 0);
        s.tables[30].columns[1].ty = crate::model::ColumnType::builtin("bigint");
        let d = check(&v0, &pretty(&s));
        assert_eq!(
            d.matches("\n@@ ").count() + usize::from(d.starts_with("@@")),
            1,
            "{d}"
        );
        assert_eq!(d.lines().filter(|l| l.starts_with('-')).count(), 2, "{d}"); // + "--- old"
        assert_eq!(d.lines().filter(|l| l.starts_with('+')).count(), 2, "{d}");
    }

    /// Same output as `similar`'s own line diff where both are minimal, less
    /// its "No newline at end of file" notes (a pretty snapshot never ends
    /// in one; the note would only be noise).
    #[test]
    fn same_format_as_similar() {
        let old = "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": 3\n}";
        let new = "{\n  \"a\": [\n    1,\n    5,\n    2\n  ],\n  \"b\": 4\n}";
        let want = similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header("old", "new")
            .to_string()
            .replace("\\ No newline at end of file\n", "");
        assert_eq!(unified(old, new), want);
    }

    /// Text shaped like a snapshot: lines of a few indents, few names.
    fn text() -> impl Strategy<Value = String> {
        let line = (0usize..6, 0u8..4, prop::bool::ANY).prop_map(|(depth, v, named)| {
            let pad = " ".repeat(depth * 2);
            if named {
                format!("{pad}\"name\": \"n{v}\"")
            } else {
                format!("{pad}x{v}")
            }
        });
        prop::collection::vec(line, 0..60).prop_map(|l| l.join("\n"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn any_texts_patch_back(old in text(), new in text()) {
            check(&old, &new);
        }
    }
}
