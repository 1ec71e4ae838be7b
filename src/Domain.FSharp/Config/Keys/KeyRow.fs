namespace CachetMonitor.Domain

/// How a row of the key table is written: a required key, an optional one with its default, and what rows share.
module internal KeyRow =
    /// A required key (or, with `required` false, an optional one without a default).
    let key section name keyType required origin doc =
        {
            Section = section
            Name = name
            Type = keyType
            Required = required
            Default = None
            AppliesTo = []
            Doc = doc
            Origin = origin
        }

    /// An optional key; `defaultText` is the default as the reference shows it.
    let optional section name keyType origin defaultText doc =
        { key section name keyType false origin doc with
            Default = defaultText
        }

    /// A key of ours (not the original's) since the first release.
    let ours = Added "0.1.0"

    /// An expectation's `severity`.
    let severity = KeyType.Choice(ConfigKeys.Severities, true)
