"""MkDocs hook: serve MathJax 3 from the installed package, never from a CDN.

MathJax 3's single-file build ``es5/tex-svg-full.js`` renders offline (the smaller
builds fetch extensions such as ``boldsymbol`` at run time). It comes from the PyPI
package ``django-static-mathjax`` (import package ``mathjax``), pinned in
requirements.txt, and is added to the site as a generated file.
"""

from importlib.resources import files as package_files

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

BUILD = "tex-svg-full.js"
SITE_PATH = f"assets/mathjax/{BUILD}"


def on_files(files, config):
    source = package_files("mathjax") / "static" / "mathjax" / "es5" / BUILD
    if not source.is_file():
        raise PluginError(f"MathJax build not found at {source}: is "
                          f"django-static-mathjax installed (requirements.txt)?")
    if SITE_PATH not in config.extra_javascript:
        raise PluginError(f"mkdocs.yml: extra_javascript must list {SITE_PATH}")
    files.append(File.generated(config, SITE_PATH, abs_src_path=str(source)))
    return files
