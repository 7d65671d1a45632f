import json
import warnings

import pytest

import faas_jupyter as faas
from faas_jupyter.errors import NoChangeWarning, NotFound, PermissionDenied, ValidationError

MAIN = '''from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def run(self, item, limit: int = 3) -> int:
        """Count."""
        return limit
'''
PACKAGE_JSON = {"name": "shapes", "modules": [{
    "name": "default_module", "entryPoint": "main.py", "className": "ServiceRunner",
    "initInputs": [], "functions": [{"name": "run", "description": "",
                                     "input": [{"name": "item", "type": "Item"}], "output": []}]}]}


@pytest.fixture
def src(tmp_path):
    d = tmp_path / "src"
    d.mkdir()
    (d / "main.py").write_text(MAIN)
    (d / "utils.py").write_text("X = 1\n")
    (d / "package.json").write_text(json.dumps(PACKAGE_JSON))
    return d


def _as(ws, user):
    return faas.workspace(ws.settings.db_url, artifacts=ws.settings.artifacts, user=user)


def test_first_push_is_1_0_0_then_patch_bumps(ws, src):
    pkg = ws.packages.push(src, message="first")
    assert (pkg.name, pkg.version) == ("shapes", "1.0.0")
    assert [m.name for m in pkg.modules] == ["default_module"]
    (src / "utils.py").write_text("X = 2\n")
    assert ws.packages.push(src).version == "1.0.1"
    (src / "utils.py").write_text("X = 3\n")
    assert ws.packages.push(src, bump="minor").version == "1.1.0"
    (src / "utils.py").write_text("X = 4\n")
    assert ws.packages.push(src, bump="major").version == "2.0.0"
    revs = ws.packages.get("shapes").revisions
    assert [r.version for r in revs] == ["1.0.0", "1.0.1", "1.1.0", "2.0.0"]
    assert revs[0].message == "first" and revs[0].creator == "tester"
    assert revs[1].changes["changed"] == ["utils.py"] and revs[1].changes["spec"] is False


def test_unchanged_push_warns_and_makes_no_revision(ws, src):
    ws.packages.push(src)
    with pytest.warns(NoChangeWarning, match=r"package 'shapes' is unchanged at 1\.0\.0; nothing "
                                             r"pushed \(force=True pushes anyway\)"):
        pkg = ws.packages.push(src)
    assert pkg.version == "1.0.0"
    assert len(pkg.revisions) == 1
    assert ws.packages.push(src, force=True).version == "1.0.1"


def test_spec_change_alone_is_a_revision(ws, src):
    ws.packages.push(src)
    doc = dict(PACKAGE_JSON, requirements=["numpy>=1.26"])
    pkg = ws.packages.push(codebase=ws.packages.get("shapes").codebase, package_name="shapes",
                           modules=None, spec=faas.Package.from_json(doc))
    assert pkg.version == "1.0.1" and pkg.requirements == ["numpy>=1.26"]


def test_name_from_argument_then_package_json_then_folder(ws, src, tmp_path):
    assert ws.packages.push(src, package_name="other").name == "other"
    assert ws.packages.push(src).name == "shapes"
    plain = tmp_path / "folder-name"
    plain.mkdir()
    (plain / "main.py").write_text(MAIN)
    pkg = ws.packages.push(plain)  # no package.json: modules inferred from the code
    assert pkg.name == "folder-name"
    assert [f.name for f in pkg.modules[0].functions] == ["run"]


def test_no_package_json_and_no_runner_says_what_to_add(ws, tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.py").write_text("x = 1\n")
    with pytest.raises(ValidationError, match="add a package.json"):
        ws.packages.push(tmp_path / "lib")


def test_in_memory_codebase_and_explicit_modules(ws):
    module = faas.PackageModule(functions=[faas.PackageFunction(
        name="run", input=[faas.FunctionIO(name="item", type="Item")])])  # as run's signature says
    pkg = ws.packages.push(codebase={"main.py": MAIN.encode()}, package_name="mem",
                           modules=[module])
    assert pkg.codebase.files == {"main.py": MAIN.encode()}
    assert pkg.modules == [module]


def test_invalid_package_json_is_reported_with_its_path(ws, src):
    bad = json.loads(json.dumps(PACKAGE_JSON))
    bad["modules"][0]["functions"][0]["input"][0]["type"] = "Image"
    (src / "package.json").write_text(json.dumps(bad))
    with pytest.raises(ValidationError) as err:
        ws.packages.push(src)
    assert err.value.path == "modules[0].functions[0].input[0].type"
    assert "package.json" in str(err.value)
    assert "shapes" not in ws.packages


def test_missing_entry_point_is_refused(ws, src):
    (src / "main.py").unlink()
    with pytest.raises(ValidationError, match="entry point 'main.py' is not in the codebase"):
        ws.packages.push(src)


def test_get_by_version_and_not_found_messages(ws, src):
    ws.packages.push(src)
    ws.packages.push(src, force=True)
    assert ws.packages.get("shapes", version="1.0.0").version == "1.0.0"
    with pytest.raises(NotFound, match="package 'shapes' has no revision 1.0.9; latest is 1.0.1"):
        ws.packages.get("shapes", version="1.0.9")
    with pytest.raises(NotFound, match="no package 'x' in project 'default'; packages: shapes"):
        ws.packages.get("x")


def test_revisions_are_immutable(ws, src):
    first = ws.packages.push(src)
    (src / "main.py").write_text(MAIN.replace("limit", "n"))
    (src / "package.json").write_text(json.dumps(PACKAGE_JSON))
    ws.packages.push(src)
    again = ws.packages.get("shapes", version="1.0.0")
    assert again.codebase == first.codebase and again.modules == first.modules
    assert again.codebase.digest == first.revisions[0].codebase_digest


def test_update_makes_a_revision_with_the_same_code_and_the_updated_package_json(ws, src):
    pkg = ws.packages.push(src)
    pkg.modules[0].functions[0].description = "edited"
    pkg.update(message="doc")
    assert pkg.version == "1.0.1"
    latest = ws.packages.get("shapes")
    assert latest.codebase.diff(ws.packages.get("shapes", "1.0.0").codebase).changed == ["package.json"]
    assert latest.modules[0].functions[0].description == "edited"
    assert latest.revisions[-1].message == "doc"
    written = json.loads(latest.codebase["package.json"])
    assert written["modules"][0]["functions"][0]["description"] == "edited" and "version" not in written


def test_downloading_an_updated_revision_and_pushing_it_again_keeps_the_update(ws, src, tmp_path):
    (src / "package.json").unlink()  # no package.json at first: update writes one
    pkg = ws.packages.push(src)
    pkg.modules[0].functions[0].input[0].description = "the table"
    pkg.requirements = ["numpy>=1.26"]
    pkg.update()
    ws.packages.get(pkg.name).codebase.download(tmp_path / "again")
    with pytest.warns(NoChangeWarning):  # the same JSON and code: nothing reverted, nothing new
        again = ws.packages.push(tmp_path / "again", package_name=pkg.name)
    assert again.version == "1.0.1" and again.requirements == ["numpy>=1.26"]
    assert again.modules[0].functions[0].input[0].description == "the table"


def test_codebase_zip_and_download(ws, src, tmp_path):
    pkg = ws.packages.push(src)
    assert pkg.codebase.zip() == ws.packages.get("shapes").codebase.zip()
    out = pkg.codebase.download(tmp_path / "out")
    assert (out / "utils.py").read_text() == "X = 1\n"


def test_diff_files_and_json(ws, src):
    ws.packages.push(src)
    (src / "utils.py").write_text("X = 2\n")
    (src / "new.py").write_text("Y = 1\n")
    doc = dict(PACKAGE_JSON, requirements=["numpy"])
    (src / "package.json").write_text(json.dumps(doc))
    pkg = ws.packages.push(src)
    d = pkg.diff("1.0.0", "1.0.1")
    assert (d.added, d.removed, d.changed) == (["new.py"], [], ["package.json", "utils.py"])
    assert "-X = 1" in d.unified and "+X = 2" in d.unified
    assert '"requirements"' in d.spec_unified and d.changed_keys == ["requirements"]
    assert not pkg.diff("1.0.1", "1.0.1")


def test_list_and_delete(ws, src):
    ws.packages.push(src)
    ws.packages.push(src, package_name="b")
    assert [(p.name, p.version) for p in ws.packages.list()] == [("b", "1.0.0"), ("shapes", "1.0.0")]
    ws.packages.delete("b")
    assert [p.name for p in ws.packages.list()] == ["shapes"]
    with pytest.raises(NotFound):
        ws.packages.delete("b")


def test_unbound_package_from_json(ws):
    pkg = faas.Package.from_json(PACKAGE_JSON)
    assert pkg.name == "shapes" and faas.Package.from_json(pkg.to_json()) == pkg
    with pytest.raises(faas.FaasError, match="push it first"):
        pkg.revisions


@pytest.mark.parametrize("role", ["annotator", "annotationManager", None])
def test_only_owner_or_developer_may_write(ws, src, role):
    ws.packages.push(src)
    if role:
        ws.project.members.add("carol", role=role)
    carol = _as(ws, "carol")
    for action in (lambda: carol.packages.push(src, force=True),
                   lambda: carol.packages.get("shapes").update(),
                   lambda: carol.packages.delete("shapes")):
        with pytest.raises(PermissionDenied, match="user 'carol' may not .* in project 'default': "
                                                   "needs role owner or developer" if role else
                                                   "user 'carol' is not a member of project 'default'"):
            action()
    if role:
        assert carol.packages.get("shapes").version == "1.0.0"  # members of any role read
    else:
        with pytest.raises(PermissionDenied, match="not a member"):  # non-members see nothing
            carol.packages.get("shapes")


def test_developer_may_write(ws, src):
    ws.project.members.add("dave", role="developer")
    dave = _as(ws, "dave")
    pkg = dave.packages.push(src)
    assert pkg.revisions[0].creator == "dave"


def test_push_into_another_project(ws, src):
    ws.projects.create("vision")
    ws.packages.push(src, project="vision")
    assert [p.name for p in ws.projects.get("vision").packages.list()] == ["shapes"]
    assert ws.packages.list() == []


def test_export_import_round_trip(ws, src, tmp_path):
    ws.packages.push(src)
    (src / "utils.py").write_text("X = 2\n")
    ws.packages.push(src)
    out = ws.packages.export("shapes", tmp_path / "exp", version="1.0.0")
    manifest = json.loads((out / "dataloop.json").read_text())
    assert manifest["version"] == "1.0.0"
    assert manifest["components"]["modules"] == PACKAGE_JSON["modules"]
    assert json.loads((out / "package.json").read_text()) == {**PACKAGE_JSON, "type": "faas"}
    assert (out / "utils.py").read_text() == "X = 1\n"
    other = faas.workspace(str(tmp_path / "other.db"), user="bob")
    imported = other.packages.import_folder(out)
    assert (imported.name, imported.version) == ("shapes", "1.0.0")
    assert imported.modules == ws.packages.get("shapes", "1.0.0").modules
    out2 = other.packages.export("shapes", tmp_path / "exp2")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        p.name: p.read_bytes() for p in out2.iterdir()}


def test_imports_a_dataloop_generated_folder(ws, tmp_path):
    d = tmp_path / "my_pkg"
    d.mkdir()
    (d / "main.py").write_text("import dtlpy as dl\n\nclass ServiceRunner(dl.BaseServiceRunner):\n"
                               "    def run(self, item):\n        pass\n")
    doc = {"name": "my-pkg", "modules": [{"name": "default_module", "entryPoint": "main.py",
                                          "initInputs": [], "functions": [
                                              {"name": "run", "input": [{"type": "Item", "name": "item"}],
                                               "output": []}]}],
           "services": [{"name": "default-service", "packageRevision": "latest"}]}
    (d / "package.json").write_text(json.dumps(doc))
    (d / "mock.json").write_text('{"init_params": {}, "inputs": []}')
    pkg = ws.packages.import_folder(d)
    assert pkg.name == "my-pkg" and pkg.to_json()["services"] == doc["services"]


def test_package_json_that_does_not_match_the_code_is_refused_at_push(ws, src):
    bad = json.loads(json.dumps(PACKAGE_JSON))
    bad["modules"][0]["functions"].append({"name": "score", "input": []})
    (src / "package.json").write_text(json.dumps(bad))
    with pytest.raises(ValidationError) as err:
        ws.packages.push(src)
    assert err.value.path == "modules[0].functions[1].name"
    assert "package.json does not match the code: function 'score' is not a method" in err.value.message
    bad["modules"][0]["functions"].pop()
    bad["modules"][0]["functions"][0]["input"].append({"name": "limt", "type": "Integer"})
    (src / "package.json").write_text(json.dumps(bad))
    with pytest.raises(ValidationError, match=r"input\[\d\]\.name: package.json does not match the code: "
                                              r"input 'limt' is not a parameter of ServiceRunner.run"):
        ws.packages.push(src)
    assert "shapes" not in ws.packages  # nothing was pushed
