//! JSDoc `@typedef`s as type aliases: `@typedef {import("./x")} X`, `@typedef {import("./x").Y}
//! Y`, object typedefs with `@property` fields, and local aliases of other names.

use omnysys_api::facts::{Field, TypeAlias, TypePath};

use crate::jsdoc::{self, Tag};

/// The aliases the `@typedef` tags of `comment` (starting on `line`) declare; the
/// `@property` tags after a typedef are its fields.
pub fn aliases(comment: &str, line: u32) -> Vec<TypeAlias> {
    let mut out: Vec<TypeAlias> = Vec::new();
    for tag in jsdoc::tags(comment) {
        match tag.kind {
            "typedef" => out.extend(alias(&tag, line)),
            "property" => {
                let (Some(last), Some(name), Some(ty)) =
                    (out.last_mut(), tag.name, jsdoc::first_name(tag.ty))
                else {
                    continue;
                };
                last.fields.push(Field {
                    name: name.to_owned(),
                    ty: TypePath {
                        base: ty,
                        members: Vec::new(),
                        guessed: false,
                    },
                });
            }
            _ => {}
        }
    }
    out
}

/// One `@typedef {T} Name`.
fn alias(tag: &Tag<'_>, line: u32) -> Option<TypeAlias> {
    let name = tag.name?.to_owned();
    let names = jsdoc::type_names(tag.ty);
    if let Some((specifier, member)) = names.first().and_then(|n| jsdoc::inline_import(n)) {
        return Some(TypeAlias {
            name,
            specifier: Some(specifier),
            targets: member.into_iter().collect(),
            line,
            ..TypeAlias::default()
        });
    }
    Some(TypeAlias {
        name,
        targets: names,
        line,
        ..TypeAlias::default()
    })
}

/// The alias an inline `import("./x").Y` type used in the file stands for, named by its text.
pub fn inline(name: &str) -> Option<TypeAlias> {
    let (specifier, member) = jsdoc::inline_import(name)?;
    Some(TypeAlias {
        name: name.to_owned(),
        specifier: Some(specifier),
        targets: member.into_iter().collect(),
        ..TypeAlias::default()
    })
}
