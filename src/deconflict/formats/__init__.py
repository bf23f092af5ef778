"""Declaration formats read and written at the edge: GeoJSON (and more to come)."""
