//! Reading JS option objects: own enumerable properties only, typed getters whose errors name
//! the option (`ERR_BAD_OPTION`), unknown keys refused (helps typos). `__proto__`,
//! `constructor` and `prototype` keys are ignored, and inherited properties are never read, so
//! neither a `__proto__` key nor a polluted `Object.prototype` changes anything.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Error, Kind, Result};

/// An error naming the offending option.
pub(super) fn bad_option(option: &str, why: &str) -> Error {
    Error::new(Kind::Builder, format!("option `{option}` {why}"))
}

/// The own enumerable properties of a JS object, with the path prefix for error messages.
pub(super) struct Options {
    prefix: String,
    entries: Vec<(String, JsValue)>,
}

impl Options {
    /// Read `value` (must be a plain object, or undefined/null for "no options").
    pub fn read(value: &JsValue, prefix: &str) -> Result<Options> {
        let mut entries = Vec::new();
        if !(value.is_undefined() || value.is_null()) {
            let obj = object(value).ok_or_else(|| {
                bad_option(
                    if prefix.is_empty() { "config" } else { prefix },
                    "must be an object",
                )
            })?;
            for key in Object::keys(obj).iter() {
                let Some(key) = key.as_string() else { continue };
                if matches!(key.as_str(), "__proto__" | "constructor" | "prototype") {
                    continue;
                }
                let value = Reflect::get(obj, &JsValue::from_str(&key))
                    .map_err(|_| bad_option(&key, "could not be read (a getter threw)"))?;
                if !value.is_undefined() {
                    entries.push((key, value));
                }
            }
        }
        Ok(Options {
            prefix: prefix.to_string(),
            entries,
        })
    }

    /// The full name of `key` for messages (`auth.refresh.url`).
    pub fn name(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    /// Refuse any key not in `known`.
    pub fn only(&self, known: &[&str]) -> Result<()> {
        match self
            .entries
            .iter()
            .find(|(k, _)| !known.contains(&k.as_str()))
        {
            Some((key, _)) => Err(bad_option(&self.name(key), "is not a known option")),
            None => Ok(()),
        }
    }

    pub fn get(&self, key: &str) -> Option<&JsValue> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn string(&self, key: &str) -> Result<Option<String>> {
        self.get(key)
            .map(|v| {
                v.as_string()
                    .ok_or_else(|| bad_option(&self.name(key), "must be a string"))
            })
            .transpose()
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        self.get(key)
            .map(|v| {
                v.as_bool()
                    .ok_or_else(|| bad_option(&self.name(key), "must be true or false"))
            })
            .transpose()
    }

    /// A finite, non-negative number.
    pub fn number(&self, key: &str) -> Result<Option<f64>> {
        self.get(key)
            .map(|v| {
                v.as_f64()
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .ok_or_else(|| bad_option(&self.name(key), "must be a non-negative number"))
            })
            .transpose()
    }

    pub fn function(&self, key: &str) -> Result<Option<Function>> {
        self.get(key)
            .map(|v| {
                v.dyn_ref::<Function>()
                    .cloned()
                    .ok_or_else(|| bad_option(&self.name(key), "must be a function"))
            })
            .transpose()
    }

    /// An array of numbers that are HTTP statuses.
    pub fn statuses(&self, key: &str) -> Result<Option<Vec<u16>>> {
        self.get(key)
            .map(|v| {
                let err = || bad_option(&self.name(key), "must be an array of HTTP status numbers");
                let array = v.dyn_ref::<Array>().ok_or_else(err)?;
                array
                    .iter()
                    .map(|s| {
                        s.as_f64()
                            .filter(|n| n.fract() == 0.0 && (100.0..=599.0).contains(n))
                            .map(|n| n as u16)
                            .ok_or_else(err)
                    })
                    .collect()
            })
            .transpose()
    }

    /// An array of strings.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>> {
        self.get(key)
            .map(|v| {
                let err = || bad_option(&self.name(key), "must be an array of strings");
                let array = v.dyn_ref::<Array>().ok_or_else(err)?;
                array
                    .iter()
                    .map(|s| s.as_string().ok_or_else(err))
                    .collect()
            })
            .transpose()
    }

    /// An object of string (or number/boolean) values: headers, params.
    pub fn string_map(&self, key: &str) -> Result<Option<Vec<(String, String)>>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        if value.is_null() {
            return Ok(Some(Vec::new()));
        }
        let name = self.name(key);
        let inner = Options::read(value, &name)?;
        inner
            .entries
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                scalar_string(v).map(|s| (k.clone(), s)).ok_or_else(|| {
                    bad_option(
                        &format!("{name}.{k}"),
                        "must be a string, number or boolean",
                    )
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }
}

/// `value` as an object, if it is one (not a function, not null).
pub(super) fn object(value: &JsValue) -> Option<&Object> {
    (value.is_object() && !value.is_function()).then(|| value.unchecked_ref::<Object>())
}

/// A string, number or boolean as the string JS would print (`String(v)`).
pub(super) fn scalar_string(v: &JsValue) -> Option<String> {
    if let Some(s) = v.as_string() {
        return Some(s);
    }
    if let Some(b) = v.as_bool() {
        return Some(b.to_string());
    }
    // JS's own number printing: Rust's float formatter costs ~15 KB of wasm.
    v.as_f64().and_then(|_| {
        js_sys::Number::from(v.clone())
            .to_string_with_radix(10)
            .ok()
            .map(String::from)
    })
}
