//! Python packages: the `__init__.py` a module belongs to.

/// The package `__init__.py` and the module name of a Python module in a package
/// (`pkg/util.py` → `pkg/__init__.py`, `util`; `pkg/sub/__init__.py` → `pkg/__init__.py`,
/// `sub`).
pub fn python_package(path: &str) -> Option<(String, &str)> {
    let module = path
        .strip_suffix("/__init__.py")
        .or_else(|| path.strip_suffix(".py"))?;
    let (dir, name) = module.rsplit_once('/')?;
    Some((format!("{dir}/__init__.py"), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_python_module_is_named_in_its_package() {
        assert_eq!(
            python_package("pkg/util.py"),
            Some(("pkg/__init__.py".to_owned(), "util"))
        );
        assert_eq!(
            python_package("pkg/sub/__init__.py"),
            Some(("pkg/__init__.py".to_owned(), "sub"))
        );
        assert_eq!(python_package("app.py"), None);
        assert_eq!(python_package("pkg/__init__.py"), None);
        assert_eq!(python_package("src/a.rs"), None);
    }
}
