//! The corpus of SQL schemas in `tests/corpus/`, judged by PostgreSQL:
//! each case is loaded with `psql`, rebuilt by graft (diff from an empty
//! database, pull then apply; A→B and B→A for pairs), and the rebuilt
//! database's `pg_dump --schema-only` must equal the original's
//! (normalised). Where they differ, `graft diff --check` must see a
//! difference too. `tests/corpus/EXPECTED` says which checks pass today;
//! the test fails when a case does anything else. See tests/corpus/README.md.
//!
//! - `GRAFT_CORPUS=name[,name…]`: run only these cases, printing every
//!   step (`cargo test --test corpus -- --nocapture`).
//! - `GRAFT_CORPUS_BLESS=1`: rewrite `EXPECTED` from what was observed,
//!   keeping the written reason of each failure whose stage is unchanged.
//! - `GRAFT_CORPUS_JOBS=n`: cases run at once (default: twice the cores).

mod corpus_support;

use corpus_support::expect::{self, Check, Status};
use corpus_support::{cases, corpus_dir, run_case, Env, Outcome};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

/// How an observed status relates to the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Pass,
    ExpectedFail,
    UnexpectedFail,
    UnexpectedPass,
    OtherStage,
    NotInTable,
}

impl Verdict {
    fn mark(self) -> &'static str {
        match self {
            Verdict::Pass => "ok",
            Verdict::ExpectedFail => "fail",
            Verdict::UnexpectedFail => "FAIL!",
            Verdict::UnexpectedPass => "PASS!",
            Verdict::OtherStage => "STAGE!",
            Verdict::NotInTable => "NEW!",
        }
    }

    fn is_mismatch(self) -> bool {
        !matches!(self, Verdict::Pass | Verdict::ExpectedFail)
    }
}

fn verdict(expected: Option<&Status>, got: &Status) -> Verdict {
    match (expected, got) {
        (None, _) => Verdict::NotInTable,
        (Some(Status::Pass), Status::Pass) => Verdict::Pass,
        (Some(Status::Pass), Status::Fail { .. }) => Verdict::UnexpectedFail,
        (Some(Status::Fail { .. }), Status::Pass) => Verdict::UnexpectedPass,
        (Some(e), g) if e.agrees(g) => Verdict::ExpectedFail,
        _ => Verdict::OtherStage,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn corpus() {
    let started = Instant::now();
    let selected: Option<Vec<String>> = std::env::var("GRAFT_CORPUS")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.split(',').map(|n| n.trim().to_string()).collect());
    let bless = std::env::var_os("GRAFT_CORPUS_BLESS").is_some();
    let jobs = std::env::var("GRAFT_CORPUS_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        // the cases wait on processes and the server more than they compute
        .unwrap_or_else(|| 2 * std::thread::available_parallelism().map_or(2, |n| n.get()));

    let all = cases();
    let run: Vec<_> = match &selected {
        Some(names) => {
            for n in names {
                assert!(
                    all.iter().any(|c| &c.name == n),
                    "GRAFT_CORPUS: no case `{n}`"
                );
            }
            all.iter()
                .filter(|c| names.contains(&c.name))
                .cloned()
                .collect()
        }
        None => all.clone(),
    };
    let table_path = corpus_dir().join("EXPECTED");
    let table_text = std::fs::read_to_string(&table_path).unwrap_or_default();
    let table = expect::parse(&table_text).unwrap_or_else(|e| panic!("{e}"));

    let env = Arc::new(Env::new().await);
    let limit = Arc::new(tokio::sync::Semaphore::new(jobs));
    let tasks: Vec<_> = run
        .iter()
        .cloned()
        .map(|case| {
            let (env, limit) = (env.clone(), limit.clone());
            tokio::spawn(async move {
                let _permit = limit.acquire_owned().await.unwrap();
                run_case(&env, &case).await
            })
        })
        .collect();
    let mut outcomes: Vec<Outcome> = Vec::new();
    for t in tasks {
        outcomes.push(t.await.expect("a case panicked"));
    }
    let elapsed = started.elapsed();

    // verdicts
    let mut problems = Vec::new();
    let mut verdicts: BTreeMap<(String, Check), Verdict> = BTreeMap::new();
    for (case, o) in run.iter().zip(&outcomes) {
        if let Some(b) = &o.broken {
            problems.push(format!("{}: the case is broken: {b}", o.case));
            continue;
        }
        let mut mismatched = false;
        for check in case.checks() {
            let got = &o.status[check];
            let want = table.get(&(o.case.clone(), *check));
            let v = verdict(want, got);
            verdicts.insert((o.case.clone(), *check), v);
            if v.is_mismatch() {
                mismatched = true;
                problems.push(match want {
                    Some(w) => format!("{} {check}: EXPECTED says `{w}`, observed `{got}`", o.case),
                    None => format!("{} {check}: not in EXPECTED; observed `{got}`", o.case),
                });
            }
        }
        if selected.is_some() || mismatched {
            println!("{}", o.log);
        }
    }
    if selected.is_none() {
        for (case, check) in table.keys() {
            let known = all
                .iter()
                .any(|c| &c.name == case && c.checks().contains(check));
            if !known {
                problems.push(format!(
                    "EXPECTED lists {case} {check}, which is no check of a case"
                ));
            }
        }
    }

    let summary = summary(&run, &outcomes, &verdicts, jobs, elapsed);
    println!("{summary}");
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-summary.txt");
    let _ = std::fs::write(&file, &summary);
    let _ = writeln!(
        std::io::stderr(),
        "corpus: {} cases in {:.1} s ({jobs} at once); {}; table in {}",
        run.len(),
        elapsed.as_secs_f64(),
        counts_line(&run, &outcomes),
        file.display()
    );

    if bless {
        let mut new = table.clone();
        for (case, o) in run.iter().zip(&outcomes) {
            for check in case.checks() {
                if let Some(got) = o.status.get(check) {
                    let key = (o.case.clone(), *check);
                    let keep = new.get(&key).is_some_and(|w| w.agrees(got));
                    if !keep {
                        new.insert(key, got.clone());
                    }
                }
            }
        }
        if selected.is_none() {
            new.retain(|(case, check), _| {
                all.iter()
                    .any(|c| &c.name == case && c.checks().contains(check))
            });
        }
        let order: Vec<String> = all.iter().map(|c| c.name.clone()).collect();
        let text = expect::render(&expect::header(&table_text), &order, &new);
        std::fs::write(&table_path, text).unwrap();
        let _ = writeln!(std::io::stderr(), "corpus: wrote {}", table_path.display());
        problems.retain(|p| p.contains("is broken"));
    }
    assert!(
        problems.is_empty(),
        "the corpus does not behave as tests/corpus/EXPECTED says ({} mismatches; details above):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Counts per check: passed, failed (as expected or not).
fn counts_line(cases: &[corpus_support::Case], outcomes: &[Outcome]) -> String {
    let mut parts = Vec::new();
    for check in Check::ALL {
        let (mut pass, mut fail) = (0, 0);
        for (c, o) in cases.iter().zip(outcomes) {
            if !c.checks().contains(&check) {
                continue;
            }
            match o.status.get(&check) {
                Some(Status::Pass) => pass += 1,
                Some(Status::Fail { .. }) => fail += 1,
                None => {}
            }
        }
        if pass + fail > 0 {
            parts.push(format!("{check} {pass}/{}", pass + fail));
        }
    }
    format!("passing: {}", parts.join(", "))
}

/// The case × check table, the counts, and every failure with its reason.
fn summary(
    cases: &[corpus_support::Case],
    outcomes: &[Outcome],
    verdicts: &BTreeMap<(String, Check), Verdict>,
    jobs: usize,
    elapsed: std::time::Duration,
) -> String {
    let width = cases.iter().map(|c| c.name.len()).max().unwrap_or(4).max(4);
    let mut out = format!(
        "corpus: {} cases, {jobs} at once, {:.1} s\n\n{:width$}",
        cases.len(),
        elapsed.as_secs_f64(),
        "case"
    );
    for check in Check::ALL {
        out.push_str(&format!(" {:>6}", check.name()));
    }
    out.push('\n');
    for (c, o) in cases.iter().zip(outcomes) {
        out.push_str(&format!("{:width$}", c.name));
        for check in Check::ALL {
            let mark = match verdicts.get(&(c.name.clone(), check)) {
                Some(v) => v.mark(),
                None if o.broken.is_some() => "BROKEN",
                None => "-",
            };
            out.push_str(&format!(" {mark:>6}"));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\nok: passes; fail: fails as EXPECTED says; FAIL!/PASS!/STAGE!/NEW!: disagrees with EXPECTED\n{}\n\nfailures (observed):\n",
        counts_line(cases, outcomes)
    ));
    for o in outcomes {
        for (check, s) in &o.status {
            if let Status::Fail { .. } = s {
                out.push_str(&format!("  {:width$} {:5} {s}\n", o.case, check.name()));
            }
        }
    }
    out
}
