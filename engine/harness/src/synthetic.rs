//! Synthetic projects for scenarios and benchmarks: a generated JavaScript project on disk. (Many
//! files in a `World` is [`omnysys_engine::state::spawn_synthetic_files`], which the engine's own
//! tests use too.)

pub use omnysys_engine::state::spawn_synthetic_files;

/// Writes a JavaScript project of `n` files `src/d<k>/f<i>.js` (100 per directory) into `dir`
/// (emptied first), each importing up to three earlier files (`i-1`, `i-7`, `i-50`) and exporting
/// a function `f<i>` that calls them.
///
/// # Errors
///
/// When a file or directory cannot be written.
pub fn write_javascript_project(dir: &std::path::Path, n: usize) -> std::io::Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    for i in 0..n {
        let folder = dir.join(format!("src/d{}", i / 100));
        if i % 100 == 0 {
            std::fs::create_dir_all(&folder)?;
        }
        let deps: Vec<usize> = [1, 7, 50]
            .iter()
            .filter(|d| **d <= i)
            .map(|d| i - d)
            .collect();
        let mut text = String::new();
        for d in &deps {
            text.push_str(&format!(
                "import {{ f{d} }} from '../d{}/f{d}.js';\n",
                d / 100
            ));
        }
        let calls: Vec<String> = deps.iter().map(|d| format!("f{d}()")).collect();
        text.push_str(&format!(
            "export function f{i}() {{\n  return [{}].length;\n}}\n",
            calls.join(", ")
        ));
        std::fs::write(folder.join(format!("f{i}.js")), text)?;
    }
    Ok(())
}
