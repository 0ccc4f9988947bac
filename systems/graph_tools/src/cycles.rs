//! Import cycles: the strongly connected components of the file graph (Tarjan's algorithm,
//! iterative so that deep graphs cannot overflow the stack).

use std::collections::BTreeMap;

use omnysys_api::prelude::*;

/// Per-node bookkeeping of Tarjan's algorithm.
#[derive(Clone, Copy)]
struct Mark {
    index: usize,
    low: usize,
    on_stack: bool,
}

/// Every import cycle: each strongly connected component of more than one file, or a file that
/// imports itself. Files inside a cycle are sorted; cycles are sorted by their first file.
pub fn cycles(graph: &DependencyGraph) -> Vec<Vec<String>> {
    let nodes = node_ids(graph);
    let names: Vec<&str> = nodes.keys().copied().collect();
    let succ: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            graph
                .dependencies(n)
                .map(|e| nodes[e.to.as_str()])
                .collect()
        })
        .collect();
    let mut out: Vec<Vec<String>> = tarjan(&succ)
        .into_iter()
        .filter(|c| c.len() > 1 || succ[c[0]].contains(&c[0]))
        .map(|c| {
            let mut files: Vec<String> = c.iter().map(|&i| names[i].to_owned()).collect();
            files.sort();
            files
        })
        .collect();
    out.sort();
    out
}

/// Dense ids for every file that appears in the graph, in path order.
fn node_ids(graph: &DependencyGraph) -> BTreeMap<&str, usize> {
    let mut all: Vec<&str> = graph.forward.keys().map(String::as_str).collect();
    all.extend(graph.reverse.keys().map(String::as_str));
    all.sort_unstable();
    all.dedup();
    all.into_iter().enumerate().map(|(i, n)| (n, i)).collect()
}

/// The strongly connected components of the graph given by successor lists.
fn tarjan(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut marks: Vec<Option<Mark>> = vec![None; succ.len()];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..succ.len() {
        if marks[root].is_some() {
            continue;
        }
        // Each frame: (node, index of the next successor to visit).
        let mut frames = vec![(root, 0usize)];
        visit(root, &mut marks, &mut stack, &mut counter);
        while let Some(&(node, next)) = frames.last() {
            if let Some(&child) = succ[node].get(next) {
                if let Some(frame) = frames.last_mut() {
                    frame.1 += 1;
                }
                match marks[child] {
                    None => {
                        visit(child, &mut marks, &mut stack, &mut counter);
                        frames.push((child, 0));
                    }
                    Some(m) if m.on_stack => lower(&mut marks, node, m.index),
                    Some(_) => {}
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                let low = marks[node].map_or(usize::MAX, |m| m.low);
                lower(&mut marks, parent, low);
            }
            if marks[node].is_some_and(|m| m.low == m.index) {
                components.push(pop_component(node, &mut marks, &mut stack));
            }
        }
    }
    components
}

/// Gives `node` the next index and pushes it on the stack.
fn visit(node: usize, marks: &mut [Option<Mark>], stack: &mut Vec<usize>, counter: &mut usize) {
    marks[node] = Some(Mark {
        index: *counter,
        low: *counter,
        on_stack: true,
    });
    *counter += 1;
    stack.push(node);
}

/// Lowers the low-link of `node` to `low` when smaller.
fn lower(marks: &mut [Option<Mark>], node: usize, low: usize) {
    if let Some(m) = marks[node].as_mut() {
        m.low = m.low.min(low);
    }
}

/// Pops the component rooted at `root` off the stack.
fn pop_component(root: usize, marks: &mut [Option<Mark>], stack: &mut Vec<usize>) -> Vec<usize> {
    let mut component = Vec::new();
    while let Some(n) = stack.pop() {
        if let Some(m) = marks[n].as_mut() {
            m.on_stack = false;
        }
        component.push(n);
        if n == root {
            break;
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::graph_of;

    #[test]
    fn two_cycles_and_a_self_import_are_found_and_a_chain_is_not() {
        // a → b → c → a (one cycle), c → d (leaves), e ⇄ f, g → g, h → a.
        let g = graph_of(&[
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),
            ("c", "d"),
            ("e", "f"),
            ("f", "e"),
            ("g", "g"),
            ("h", "a"),
        ]);
        assert_eq!(
            cycles(&g),
            vec![
                vec!["a".to_owned(), "b".into(), "c".into()],
                vec!["e".into(), "f".into()],
                vec!["g".into()],
            ]
        );
    }

    #[test]
    fn an_acyclic_graph_has_no_cycles() {
        let g = graph_of(&[("a", "b"), ("a", "c"), ("b", "c")]);
        assert!(cycles(&g).is_empty());
    }

    #[test]
    fn two_cycles_sharing_a_file_are_one_component() {
        let g = graph_of(&[("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")]);
        assert_eq!(
            cycles(&g),
            vec![vec!["a".to_owned(), "b".into(), "c".into()]]
        );
    }
}
