//! No two files of `app/src` use each other, directly or through others: a cycle makes
//! every module in it depend on all the others, and none can change alone. The graph is
//! read from the source: each `crate::…` and `super::…` path names the module it leads
//! into (comments and `mod tests` aside).

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

/// Every module of `src`, by its path (`auth::gate`), with its source.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let relative = path
                .strip_prefix(src)
                .expect("under src")
                .with_extension("");
            let mut parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).expect("read a source file");
            found.insert(parts.join("::"), text);
        }
    }
    found
}

/// The source without comments and without its `mod tests`.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths that start at `at`, a brace group expanded into one path per item.
fn paths(text: &str) -> Vec<Vec<String>> {
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        let ident: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            break;
        }
        rest = &rest[ident.len()..];
        segments.push(ident);
        match rest.strip_prefix("::") {
            Some(after) => rest = after,
            None => return vec![segments],
        }
    }
    let Some(group) = rest.strip_prefix('{') else {
        return vec![segments];
    };
    // Items of the group at depth 0, each a path of its own.
    let (mut depth, mut start, mut items) = (0, 0, Vec::new());
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
        .into_iter()
        .flat_map(|item| paths(item.trim()))
        .map(|tail| segments.iter().cloned().chain(tail).collect())
        .collect()
}

/// Which modules each module uses.
fn graph(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges = BTreeMap::new();
    for (name, text) in modules {
        let code = code(text);
        let own: Vec<&str> = name.split("::").filter(|s| !s.is_empty()).collect();
        let parent = &own[..own.len().saturating_sub(1)];
        let mut uses = BTreeSet::new();
        for (root, base) in [("crate::", &[][..]), ("super::", parent)] {
            for (at, _) in code.match_indices(root) {
                let preceded = code[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
                if preceded {
                    continue;
                }
                for path in paths(&code[at + root.len()..]) {
                    let full: Vec<String> =
                        base.iter().map(|s| s.to_string()).chain(path).collect();
                    let target = (1..=full.len())
                        .rev()
                        .map(|n| full[..n].join("::"))
                        .find(|m| modules.contains_key(m));
                    if let Some(target) = target.filter(|t| t != name) {
                        uses.insert(target);
                    }
                }
            }
        }
        edges.insert(name.clone(), uses);
    }
    edges
}

/// Modules that reach themselves, each with the way back.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for start in edges.keys() {
        // Breadth-first from `start`; a way back to it is a cycle.
        let mut came_from: BTreeMap<&String, &String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(at) = queue.pop_front() {
            for next in &edges[at] {
                if next == start {
                    let mut way = vec![at.clone()];
                    let mut step = at;
                    while let Some(previous) = came_from.get(step) {
                        way.push((*previous).clone());
                        step = previous;
                    }
                    way.reverse();
                    found.push(way);
                    queue.clear();
                    break;
                }
                if !came_from.contains_key(next) && next != start {
                    came_from.insert(next, at);
                    queue.push_back(next);
                }
            }
        }
    }
    found
}

#[test]
fn no_file_of_app_src_depends_on_itself_through_others() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    assert!(modules.len() > 20, "found {} modules", modules.len());
    let edges = graph(&modules);
    // The reader sees what the code says: a known dependency is found.
    assert!(edges["tasks::db"].contains("auth::gate"));
    let found = cycles(&edges);
    assert!(
        found.is_empty(),
        "modules that depend on themselves: {}",
        found
            .iter()
            .map(|way| way.join(" -> "))
            .collect::<Vec<_>>()
            .join("; ")
    );
}

#[test]
fn the_reader_finds_a_cycle_where_there_is_one() {
    let modules: BTreeMap<String, String> = [
        ("".to_owned(), "pub mod a;\npub mod b;".to_owned()),
        ("a".to_owned(), "use crate::{b::Thing, c};".to_owned()),
        ("b".to_owned(), "use super::a::{self, Other};".to_owned()),
        (
            "c".to_owned(),
            "// crate::a in a comment is no use\n".to_owned(),
        ),
    ]
    .into_iter()
    .collect();
    let edges = graph(&modules);
    assert_eq!(edges["a"], BTreeSet::from(["b".to_owned(), "c".to_owned()]));
    assert_eq!(edges["c"], BTreeSet::new());
    let ways: Vec<String> = cycles(&edges).iter().map(|w| w.join(" -> ")).collect();
    assert_eq!(ways, ["a -> b", "b -> a"]);
}
