"""The only Streamlit-aware part of the package: `base` (routing, cached loaders, URL state, shared
widgets) and one module per page (`map_page`, `country_page`, ...) holding that page's widgets."""
