//! Plugins and the order they migrate in.
//!
//! A [`Plugin`] is a name, an optional semver version, its dependencies
//! (plugin → semver requirement), its declared schema, hashed once when the
//! plugin is built so that the boot fast path does no hashing, and its
//! hand-written migrations ([`crate::scripts::Migration`]).
//!
//! A foreign key into another registered plugin's namespace is a dependency
//! too (the referenced plugin migrates first), declared or not.

use crate::model::Schema;
use crate::scripts::Migration;
use crate::snapshot::{Snapshot, SnapshotHash};
use semver::{Version, VersionReq};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// A plugin: one slice of the database, declared as a schema.
#[derive(Debug, Clone)]
pub struct Plugin {
    name: String,
    version: Option<Version>,
    /// `version` as recorded in the journal, formatted once: the boot fast
    /// path compares it without formatting.
    version_text: Option<String>,
    depends_on: BTreeMap<String, VersionReq>,
    snapshot: Snapshot,
    hash: SnapshotHash,
    schema: Schema,
    /// Hand-written migrations, in `(version, seq)` order.
    migrations: Vec<Migration>,
    /// [`crate::scripts::declared_digest`] of `migrations`, computed when
    /// they or the version change: the boot fast path compares it.
    scripts_hash: Option<SnapshotHash>,
    /// Where its migration files live (for messages).
    migrations_dir: Option<std::path::PathBuf>,
}

impl Plugin {
    /// A plugin with no version and no dependencies.
    pub fn new(name: impl Into<String>, schema: Schema) -> Self {
        let snapshot = Snapshot::new(schema.clone());
        let hash = snapshot.hash();
        let mut schema = schema;
        schema.normalize();
        Plugin {
            name: name.into(),
            version: None,
            version_text: None,
            depends_on: BTreeMap::new(),
            snapshot,
            hash,
            schema,
            migrations: Vec::new(),
            scripts_hash: None,
            migrations_dir: None,
        }
    }

    /// Sets the version.
    pub fn with_version(mut self, version: Version) -> Self {
        self.set_version(Some(version));
        self
    }

    fn set_version(&mut self, version: Option<Version>) {
        self.version_text = version.as_ref().map(Version::to_string);
        self.version = version;
        self.rehash_scripts();
    }

    fn rehash_scripts(&mut self) {
        self.scripts_hash =
            crate::scripts::declared_digest(&self.migrations, self.version.as_ref());
    }

    /// Adds a hand-written migration (an SQL file or a closure).
    pub fn with_migration(mut self, migration: Migration) -> Self {
        self.migrations.push(migration);
        self.migrations.sort_by(|a, b| {
            (a.version(), a.seq(), a.name()).cmp(&(b.version(), b.seq(), b.name()))
        });
        self.rehash_scripts();
        self
    }

    /// Adds hand-written migrations.
    pub fn with_migrations(self, migrations: impl IntoIterator<Item = Migration>) -> Self {
        migrations.into_iter().fold(self, Plugin::with_migration)
    }

    /// Loads the hand-written migration files of `dir` (see
    /// [`crate::scripts::load_migrations`]) and remembers the directory for
    /// messages.
    pub fn with_migrations_dir(
        mut self,
        dir: impl Into<std::path::PathBuf>,
    ) -> Result<Self, crate::scripts::ScriptFileError> {
        let dir = dir.into();
        let found = crate::scripts::load_migrations(&dir)?;
        self.migrations_dir = Some(dir);
        Ok(self.with_migrations(found))
    }

    /// The directory of its migration files, when loaded from one.
    pub fn migrations_dir(&self) -> Option<&std::path::Path> {
        self.migrations_dir.as_deref()
    }

    /// The hand-written migrations, in `(version, seq)` order.
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// The digest of the migrations a plugin at the declared version has run
    /// once up to date (`None` without any), as `_journal.scripts_hash`
    /// records it.
    pub fn scripts_hash(&self) -> Option<&SnapshotHash> {
        self.scripts_hash.as_ref()
    }

    /// Adds a dependency.
    pub fn depends_on(mut self, plugin: impl Into<String>, req: VersionReq) -> Self {
        self.depends_on.insert(plugin.into(), req);
        self
    }

    /// The plugin name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The declared version.
    pub fn version(&self) -> Option<&Version> {
        self.version.as_ref()
    }

    /// The declared version as text, as the journal records it.
    pub fn version_text(&self) -> Option<&str> {
        self.version_text.as_deref()
    }

    /// Dependencies.
    pub fn dependencies(&self) -> &BTreeMap<String, VersionReq> {
        &self.depends_on
    }

    /// The declared schema (normalised, rename hints kept).
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The canonical snapshot of the declared schema.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The snapshot hash, computed once.
    pub fn hash(&self) -> &SnapshotHash {
        &self.hash
    }
}

/// Plugins that cannot be ordered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DependencyError {
    /// Two plugins with one name.
    #[error("plugin `{0}` is registered twice")]
    Duplicate(String),
    /// A dependency that is not registered.
    #[error(
        "plugin `{plugin}` depends on `{dependency}` ({requirement}), which is not registered"
    )]
    Missing {
        /// The dependent plugin.
        plugin: String,
        /// The missing plugin.
        dependency: String,
        /// The requirement.
        requirement: String,
    },
    /// A dependency whose version does not satisfy the requirement.
    #[error("plugin `{plugin}` needs `{dependency}` {requirement}, but `{dependency}` is {found}")]
    Unsatisfied {
        /// The dependent plugin.
        plugin: String,
        /// The dependency.
        dependency: String,
        /// The requirement.
        requirement: String,
        /// The dependency's declared version (`unversioned` when none).
        found: String,
    },
    /// A dependency cycle.
    #[error("plugins depend on each other in a cycle: {}", .0.join(" -> "))]
    Cycle(Vec<String>),
}

/// The set of plugins a host runs.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    plugins: Vec<Plugin>,
    /// [`ordered`](Self::ordered) as indices into `plugins`, computed on
    /// first use and forgotten by [`add`](Self::add): a no-op boot does not
    /// sort again.
    order: OnceLock<Result<Vec<usize>, DependencyError>>,
    /// Indices into `plugins` sorted by name, for [`find`](Self::find);
    /// computed on first use and forgotten by [`add`](Self::add).
    by_name: OnceLock<Vec<usize>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Adds a plugin; a second plugin with the same name is an error.
    pub fn add(&mut self, plugin: Plugin) -> Result<&mut Self, DependencyError> {
        if self.plugins.iter().any(|p| p.name == plugin.name) {
            return Err(DependencyError::Duplicate(plugin.name));
        }
        self.plugins.push(plugin);
        self.order = OnceLock::new();
        self.by_name = OnceLock::new();
        Ok(self)
    }

    /// The plugins in registration order.
    pub fn plugins(&self) -> &[Plugin] {
        &self.plugins
    }

    /// The plugin called `name`.
    pub fn get(&self, name: &str) -> Option<&Plugin> {
        self.find(name)
    }

    /// The plugin called `name`, by binary search in an index sorted by
    /// name that is built once (the boot fast path looks up every journal
    /// row this way, without allocating).
    pub(crate) fn find(&self, name: &str) -> Option<&Plugin> {
        let index = self.by_name.get_or_init(|| {
            let mut v: Vec<usize> = (0..self.plugins.len()).collect();
            v.sort_unstable_by(|&a, &b| self.plugins[a].name.cmp(&self.plugins[b].name));
            v
        });
        index
            .binary_search_by(|&i| self.plugins[i].name.as_str().cmp(name))
            .ok()
            .map(|i| &self.plugins[index[i]])
    }

    /// The plugins in dependency order (dependencies first; ties by name).
    /// Checks that every dependency is registered and satisfies its requirement.
    /// Computed once per set of plugins.
    pub fn ordered(&self) -> Result<Vec<&Plugin>, DependencyError> {
        match self.order.get_or_init(|| self.compute_order()) {
            Ok(order) => Ok(order.iter().map(|&i| &self.plugins[i]).collect()),
            Err(e) => Err(e.clone()),
        }
    }

    fn compute_order(&self) -> Result<Vec<usize>, DependencyError> {
        let index: HashMap<&str, usize> = self
            .plugins
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.as_str(), i))
            .collect();
        let by_name: HashMap<&str, &Plugin> =
            self.plugins.iter().map(|p| (p.name.as_str(), p)).collect();
        for p in &self.plugins {
            for (dep, req) in &p.depends_on {
                let Some(d) = by_name.get(dep.as_str()) else {
                    return Err(DependencyError::Missing {
                        plugin: p.name.clone(),
                        dependency: dep.clone(),
                        requirement: req.to_string(),
                    });
                };
                let ok = match &d.version {
                    Some(v) => req.matches(v),
                    None => *req == VersionReq::STAR,
                };
                if !ok {
                    return Err(DependencyError::Unsatisfied {
                        plugin: p.name.clone(),
                        dependency: dep.clone(),
                        requirement: req.to_string(),
                        found: d
                            .version
                            .as_ref()
                            .map_or("unversioned".to_string(), |v| v.to_string()),
                    });
                }
            }
        }
        // Kahn's algorithm with a name-ordered ready set.
        let edges = self.edges();
        let mut indegree: HashMap<&str, usize> = HashMap::new();
        let mut dependents: HashMap<&str, Vec<&str>> = HashMap::new();
        for p in &self.plugins {
            indegree.entry(&p.name).or_insert(0);
            for dep in &edges[p.name.as_str()] {
                *indegree.entry(&p.name).or_insert(0) += 1;
                dependents.entry(dep).or_default().push(&p.name);
            }
        }
        let mut ready: BTreeSet<&str> = indegree
            .iter()
            .filter(|(_, d)| **d == 0)
            .map(|(n, _)| *n)
            .collect();
        let mut out = Vec::with_capacity(self.plugins.len());
        while let Some(n) = ready.pop_first() {
            out.push(by_name[n]);
            for m in dependents.get(n).into_iter().flatten() {
                let d = indegree.get_mut(m).expect("every plugin has an indegree");
                *d -= 1;
                if *d == 0 {
                    ready.insert(m);
                }
            }
        }
        if out.len() < self.plugins.len() {
            return Err(DependencyError::Cycle(find_cycle(&edges, &indegree)));
        }
        Ok(out.iter().map(|p| index[p.name.as_str()]).collect())
    }

    /// Each plugin's dependencies: the declared ones, and the registered
    /// plugins whose namespaces its foreign keys reference.
    fn edges(&self) -> HashMap<&str, BTreeSet<&str>> {
        let owner: HashMap<&str, &str> = self
            .plugins
            .iter()
            .flat_map(|p| {
                p.schema
                    .namespaces
                    .iter()
                    .map(|n| (n.as_str(), p.name.as_str()))
            })
            .collect();
        self.plugins
            .iter()
            .map(|p| {
                let mut deps: BTreeSet<&str> = p.depends_on.keys().map(String::as_str).collect();
                for t in &p.schema.tables {
                    for fk in &t.foreign_keys {
                        match owner.get(fk.ref_table.schema.as_str()) {
                            Some(o) if *o != p.name => {
                                deps.insert(o);
                            }
                            _ => {}
                        }
                    }
                }
                (p.name.as_str(), deps)
            })
            .collect()
    }
}

/// One cycle among the plugins left with a positive indegree, in order,
/// closed (`a -> b -> a`).
fn find_cycle(
    edges: &HashMap<&str, BTreeSet<&str>>,
    indegree: &HashMap<&str, usize>,
) -> Vec<String> {
    let stuck: BTreeSet<&str> = indegree
        .iter()
        .filter(|(_, d)| **d > 0)
        .map(|(n, _)| *n)
        .collect();
    let deps = |n: &str| -> Vec<&str> {
        edges
            .get(n)
            .map(|d| d.iter().copied().filter(|d| stuck.contains(d)).collect())
            .unwrap_or_default()
    };
    let Some(start) = stuck.first().copied() else {
        return Vec::new();
    };
    // Walk dependencies until a plugin repeats; every stuck plugin has one.
    let mut path: Vec<&str> = vec![start];
    loop {
        let last = *path.last().expect("path is never empty");
        let Some(next) = deps(last).into_iter().next() else {
            return path.iter().map(|s| s.to_string()).collect();
        };
        if let Some(i) = path.iter().position(|p| *p == next) {
            let mut cycle: Vec<String> = path[i..].iter().map(|s| s.to_string()).collect();
            cycle.push(next.to_string());
            return cycle;
        }
        path.push(next);
    }
}

impl From<crate::declare::Declared> for Plugin {
    fn from(d: crate::declare::Declared) -> Self {
        let mut p = Plugin::new(d.plugin, d.schema);
        p.set_version(d.version);
        p.depends_on = d.depends_on;
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, version: &str, deps: &[(&str, &str)]) -> Plugin {
        let mut p = Plugin::new(name, Schema::default()).with_version(version.parse().unwrap());
        for (d, r) in deps {
            p = p.depends_on(*d, r.parse().unwrap());
        }
        p
    }

    fn names(r: &Registry) -> Vec<&str> {
        r.ordered().unwrap().iter().map(|p| p.name()).collect()
    }

    #[test]
    fn dependencies_first() {
        let mut r = Registry::new();
        r.add(p("billing", "1.0.0", &[("accounts", ">=1")]))
            .unwrap();
        r.add(p("audit", "1.0.0", &[("billing", "*")])).unwrap();
        r.add(p("accounts", "1.4.0", &[])).unwrap();
        assert_eq!(names(&r), ["accounts", "billing", "audit"]);
    }

    #[test]
    fn the_order_is_computed_again_after_add() {
        let mut r = Registry::new();
        r.add(p("b", "1.0.0", &[])).unwrap();
        assert_eq!(names(&r), ["b"]);
        r.add(p("a", "1.0.0", &[("b", "*")])).unwrap();
        assert_eq!(names(&r), ["b", "a"]);
        let copy = r.clone();
        r.add(p("c", "1.0.0", &[("z", "*")])).unwrap();
        assert!(matches!(r.ordered(), Err(DependencyError::Missing { .. })));
        assert!(matches!(r.ordered(), Err(DependencyError::Missing { .. })));
        assert_eq!(names(&copy), ["b", "a"]);
        assert_eq!(copy.get("a").unwrap().version_text(), Some("1.0.0"));
    }

    #[test]
    fn a_foreign_key_into_another_plugin_is_a_dependency() {
        use crate::model::{ForeignKey, QualName, Table};
        let referencing = |name: &str, target: &str| {
            let mut t = Table::new(QualName::new(name, "t"));
            t.foreign_keys.push(ForeignKey {
                name: "t_fkey".into(),
                columns: vec!["x".into()],
                ref_table: QualName::new(target, "t"),
                ref_columns: vec!["id".into()],
                on_delete: Default::default(),
                on_update: Default::default(),
                deferrable: Default::default(),
            });
            Schema {
                namespaces: vec![name.into()],
                tables: vec![t],
                ..Schema::default()
            }
        };
        let own = |name: &str| Schema {
            namespaces: vec![name.into()],
            ..Schema::default()
        };
        let mut r = Registry::new();
        r.add(Plugin::new("a", referencing("a", "z"))).unwrap();
        r.add(Plugin::new("z", own("z"))).unwrap();
        // A namespace no registered plugin owns is no dependency.
        r.add(Plugin::new("m", referencing("m", "elsewhere")))
            .unwrap();
        assert_eq!(names(&r), ["m", "z", "a"]);
        let mut r = Registry::new();
        r.add(Plugin::new("a", referencing("a", "z"))).unwrap();
        r.add(Plugin::new("z", referencing("z", "a"))).unwrap();
        assert_eq!(
            r.ordered().unwrap_err().to_string(),
            "plugins depend on each other in a cycle: a -> z -> a"
        );
    }

    #[test]
    fn errors_name_the_plugins() {
        let mut r = Registry::new();
        r.add(p("billing", "1.0.0", &[("accounts", ">=2")]))
            .unwrap();
        r.add(p("accounts", "1.4.0", &[])).unwrap();
        assert_eq!(
            r.ordered().unwrap_err().to_string(),
            "plugin `billing` needs `accounts` >=2, but `accounts` is 1.4.0"
        );

        let mut r = Registry::new();
        r.add(p("billing", "1.0.0", &[("ledger", "*")])).unwrap();
        assert!(matches!(r.ordered(), Err(DependencyError::Missing { .. })));

        let mut r = Registry::new();
        r.add(p("a", "1.0.0", &[("b", "*")])).unwrap();
        r.add(p("b", "1.0.0", &[("c", "*")])).unwrap();
        r.add(p("c", "1.0.0", &[("a", "*")])).unwrap();
        r.add(p("d", "1.0.0", &[])).unwrap();
        assert_eq!(
            r.ordered().unwrap_err().to_string(),
            "plugins depend on each other in a cycle: a -> b -> c -> a"
        );
        assert!(r.add(p("d", "1.0.0", &[])).is_err());
    }
}
