"""The organisation's Word templates: upload checks, GB/T 9704 drift warnings, versions and previews."""
