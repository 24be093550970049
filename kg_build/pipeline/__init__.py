"""The build: cache and manifest, the build folder, the embedded store."""
