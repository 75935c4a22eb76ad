//! Hash maps keyed by the site's own paths and URLs.

/// A hash map for the paths, URLs and fingerprints a build or rebuild looks up by the ten
/// thousand: xxh3 instead of std's SipHash, which was a tenth of a `serve` rebuild. Its keys
/// come from the site's own files, not from the network.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// The set of [`FastMap`].
pub(crate) type FastSet<K> = std::collections::HashSet<K, xxhash_rust::xxh3::Xxh3DefaultBuilder>;
