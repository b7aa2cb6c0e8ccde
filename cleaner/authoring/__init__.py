"""Rule-pack authoring and audit tools: lint, inline tests, scaffolding, mining, docs."""
