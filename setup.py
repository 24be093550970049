"""Which packages the distribution holds (everything else is in pyproject.toml).

The ontology, vocabularies, shapes (ontology/) and the stored queries (queries/) ship inside the
package as kg_build.assets.ontology and kg_build.assets.queries, read with importlib.resources, so an
installed wheel finds them wherever it is. Their folders are found here, so a new folder of queries
or shapes is shipped without a change to any list.
"""
from setuptools import find_namespace_packages, find_packages, setup

ASSETS = {"kg_build.assets.ontology": "ontology", "kg_build.assets.queries": "queries"}
DATA = ["*.ttl", "*.jsonld", "*.yaml", "*.rq"]

packages = find_packages(include=["kg_build", "kg_build.*"])
package_dir = {}
for name, folder in ASSETS.items():
    package_dir[name] = folder
    packages += [name] + [f"{name}.{sub}" for sub in find_namespace_packages(where=folder)]

package_data = {name: DATA for name in packages if name.startswith("kg_build.assets")}
package_data["kg_build.report"] = ["templates/*.html", "static/*.css", "static/*.js"]  # the report's pages

setup(packages=packages, package_dir=package_dir, package_data=package_data,
      # setuptools' own scratch folder is build/ by default: the folder sgkg builds the graph into
      options={"build": {"build_base": ".setuptools-build"}})
