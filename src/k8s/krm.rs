//! KRM functions: the `ResourceList` a Kustomize function reads on standard input and
//! writes on standard output.
//!
//! Kustomize runs a generator given as a KRM function (KSOPS 4's form) with a ResourceList
//! whose `items` hold the generator's own configuration (annotated
//! `config.kubernetes.io/local-config`) and whose `functionConfig` is that configuration
//! again; what the function writes back as `items` replaces them (the KRM Functions
//! Specification, kubernetes-sigs/kustomize `cmd/config/docs/api-conventions/functions-spec.md`).
//! The same function can run as a transformer, with the other resources in `items`: those
//! go back out unchanged.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::format::yaml::emit;

use super::generator::Objects;

/// The `apiVersion` of the ResourceList written back.
pub const API_VERSION: &str = "config.kubernetes.io/v1";

/// Why a ResourceList cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KrmError {
    /// The input is not YAML.
    #[error("the input is not a ResourceList: {0}")]
    Parse(String),
    /// The input is another kind of object.
    #[error("the input is a {0}, not a ResourceList (kind: ResourceList)")]
    NotResourceList(String),
}

/// A function's input.
pub struct ResourceList {
    /// The resources.
    pub items: Objects,
    /// The function's configuration.
    pub function_config: Option<Value>,
}

impl ResourceList {
    /// Reads a ResourceList (`config.kubernetes.io/v1`, or `v1alpha1` as older Kustomize
    /// versions write).
    pub fn parse(text: &str) -> Result<ResourceList, KrmError> {
        let mut value: Value = serde_saphyr::from_str(text).map_err(|e| {
            KrmError::Parse(match e.location() {
                Some(l) => format!("line {} column {}", l.line(), l.column()),
                None => "invalid YAML".into(),
            })
        })?;
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("(none)");
        if kind != "ResourceList" {
            let kind = kind.to_owned();
            super::generator::wipe(&mut value);
            return Err(KrmError::NotResourceList(kind));
        }
        let Value::Object(mut map) = value else {
            unreachable!("an object has a kind")
        };
        let items = match map.remove("items") {
            Some(Value::Array(a)) => a,
            Some(Value::Null) | None => Vec::new(),
            Some(mut other) => {
                super::generator::wipe(&mut other);
                return Err(KrmError::Parse("`items` is not a list".into()));
            }
        };
        let function_config = map.remove("functionConfig").filter(|v| !v.is_null());
        Ok(ResourceList {
            items: Objects(items),
            function_config,
        })
    }
}

/// Writes `items` as a ResourceList.
pub fn resource_list(items: &mut Objects) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    out.push_str("apiVersion: ");
    out.push_str(API_VERSION);
    out.push_str("\nkind: ResourceList\nitems:");
    // The emitter takes a value; the list is lent to it and taken back.
    let list = Value::Array(std::mem::take(&mut items.0));
    emit::child(&mut out, &list, 0, "\n");
    let Value::Array(list) = list else {
        unreachable!()
    };
    items.0 = list;
    out
}

/// Writes `items` as a stream of YAML documents (what a legacy exec plugin prints).
pub fn yaml_stream(items: &Objects) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    for (i, item) in items.0.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        emit::block(&mut out, item, 0, "\n");
    }
    out
}

/// An object's `metadata.annotations` (empty when it has none).
pub fn annotations(item: &Value) -> Option<&Map<String, Value>> {
    item.get("metadata")?.get("annotations")?.as_object()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Kustomize sends a generator given as an exec KRM function (kustomize's
    /// `fnplugin.go` passes the configuration as the only item, and as `functionConfig`).
    const FROM_KUSTOMIZE: &str = "apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: vaultfile.dev/v1
  kind: SecretGenerator
  metadata:
    name: gen
    annotations:
      config.kubernetes.io/function: |
        exec:
          path: vaultfile
      config.kubernetes.io/local-config: 'true'
      config.kubernetes.io/index: '0'
  files: [a.yaml]
functionConfig:
  apiVersion: vaultfile.dev/v1
  kind: SecretGenerator
  metadata:
    name: gen
  files: [a.yaml]
";

    #[test]
    fn reads_what_kustomize_sends() {
        let rl = ResourceList::parse(FROM_KUSTOMIZE).unwrap();
        assert_eq!(rl.items.0.len(), 1);
        assert!(super::super::generator::is_generator(&rl.items.0[0]));
        assert!(rl.function_config.is_some());
        assert_eq!(
            annotations(&rl.items.0[0]).unwrap()["config.kubernetes.io/local-config"],
            "true"
        );
    }

    #[test]
    fn other_objects_are_refused() {
        assert!(matches!(
            ResourceList::parse("apiVersion: v1\nkind: Secret\n"),
            Err(KrmError::NotResourceList(k)) if k == "Secret"
        ));
        assert!(matches!(
            ResourceList::parse("kind: ResourceList\nitems: 3\n"),
            Err(KrmError::Parse(_))
        ));
    }

    #[test]
    fn writes_a_resource_list_that_reads_back() {
        let mut items = Objects(vec![
            serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a"}, "data": {"K": "dg=="}}),
            serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}),
        ]);
        let text = resource_list(&mut items);
        assert_eq!(items.0.len(), 2);
        let back = ResourceList::parse(&text).unwrap();
        assert_eq!(back.items.0, items.0);
        let empty = resource_list(&mut Objects::default());
        assert!(empty.ends_with("items: []\n"), "{}", empty.as_str());
        let stream = yaml_stream(&items);
        // Documents are separated, not preceded, by `---`.
        assert!(stream.starts_with("apiVersion: "), "{}", stream.as_str());
        assert_eq!(stream.matches("---\n").count(), 1);
        let docs: Vec<Value> = serde_saphyr::from_multiple(&stream).unwrap();
        assert_eq!(docs, items.0);
    }
}
