"""Reports of de-identification runs: self-contained HTML with inline SVG plots."""
