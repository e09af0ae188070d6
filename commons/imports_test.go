package commons_test

import (
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
)

func TestImportAndIdentities(t *testing.T) {
	w := newWorld(t)
	maya := w.agent(1, "admin", person{})
	ada := w.agent(2, "", person{})
	bo := w.agent(3, "", person{})
	lib := w.must(maya, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})

	c1, c2, c3 := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 64)
	imp := commons.ImportData{Commons: lib, Source: "https://example.org/lib.git", Commits: []commons.ImportedCommit{
		{Commit: c1, Identity: "git:ada@example.org", Name: "Ada", Time: 1_600_000_000_000, Subject: "first", Files: 2, LinesAdded: 120, LinesRemoved: 3},
		{Commit: c2, Identity: "git:ada@example.org", Name: "Ada", Subject: "", Merge: true},
		{Commit: c3, Identity: "git:bo@example.org", Name: "Bo", Time: 1_600_000_100_000, Subject: "sha-256 repo", LinesAdded: 5},
	}}
	// Only maintainers import; the history is checked as a whole.
	w.refused(meent.EFORBIDDEN, ada, commons.TypeImport, imp)
	bad := imp
	bad.Commits = append([]commons.ImportedCommit{}, imp.Commits...)
	bad.Commits[1].LinesAdded = 7
	w.refused(meent.ERULE, maya, commons.TypeImport, bad)
	bad.Commits = []commons.ImportedCommit{{Commit: "abc", Identity: "git:x"}}
	w.refused(meent.ERULE, maya, commons.TypeImport, bad)
	bad.Commits = []commons.ImportedCommit{{Commit: c1, Identity: "ada@example.org"}}
	w.refused(meent.ERULE, maya, commons.TypeImport, bad)
	bad.Commits = []commons.ImportedCommit{{Commit: c1, Identity: "git:a"}, {Commit: c1, Identity: "git:a"}}
	w.refused(meent.ERULE, maya, commons.TypeImport, bad)
	w.refused(meent.ERULE, maya, commons.TypeImport, commons.ImportData{Commons: lib})

	w.must(maya, commons.TypeImport, imp)
	k := w.st.Commons.Contribution(commons.ImportedID(lib, c1))
	if k == nil || k.Status != commons.Accepted || k.Contributor != "" || k.Identity != "git:ada@example.org" ||
		k.Quantities.LinesAdded != 120 || k.SubmittedAt != 1_600_000_000_000 || k.Evidence[0].Commit != c1 {
		t.Fatalf("imported commit: %+v", k)
	}
	if m := w.st.Commons.Contribution(commons.ImportedID(lib, c2)); m.Title != "(no subject)" || !m.Import.Merge {
		t.Fatalf("merge: %+v", m)
	}
	// Re-importing a commit is refused, so a re-run can only add new ones.
	w.refused(meent.ECONFLICT, maya, commons.TypeImport, commons.ImportData{Commons: lib, Commits: imp.Commits[:1]})
	if !w.st.Commons.Imported(lib, c1) || w.st.Commons.Imported(lib, strings.Repeat("d", 40)) {
		t.Fatal("Imported is wrong")
	}

	// A fork does not import its upstream's commits again.
	fork := w.must(bo, commons.TypeFork, commons.ForkData{Commons: lib, Name: "lib-ng"})
	w.refused(meent.ECONFLICT, bo, commons.TypeImport, commons.ImportData{Commons: fork, Commits: imp.Commits[:1]})

	// Claims: signed by the agent itself; a claim alone maps nothing (see
	// identity_test.go); a maintainer attests and decides.
	w.refused(meent.EFORBIDDEN, bo, commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: ada.id})
	w.refused(meent.ERULE, bo, commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "no-kind"})
	w.must(bo, commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org"})
	if got := w.st.Commons.Contribution(commons.ImportedID(lib, c1)).Contributor; got != "" {
		t.Fatalf("after bo's bare claim the commit is %q's", got)
	}
	w.refused(meent.ECONFLICT, bo, commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org"})
	w.refused(meent.EFORBIDDEN, ada, commons.TypeIdentityAttest, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: ada.id})
	w.refused(meent.ERULE, maya, commons.TypeIdentityAttest, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: "nobody"})
	w.must(maya, commons.TypeIdentityAttest, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: ada.id})
	for _, c := range []string{c1, c2} {
		if got := w.st.Commons.Contribution(commons.ImportedID(lib, c)).Contributor; got != ada.id {
			t.Fatalf("after the attestation %s is %q's", c, got)
		}
	}
	if got := w.st.Commons.Contribution(commons.ImportedID(lib, c3)).Contributor; got != "" {
		t.Fatalf("bo's unclaimed commit is %q's", got)
	}
	// An attested mapping is no longer open to claims.
	w.refused(meent.ECONFLICT, bo, commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org"})
	ms := w.st.Commons.Mappings(lib)
	if len(ms) != 1 || !ms[0].Attested || ms[0].Agent != ada.id || ms[0].By != maya.id {
		t.Fatalf("mappings: %+v", ms)
	}
	// Later imports credit the mapped agent directly.
	c4 := strings.Repeat("e", 40)
	w.must(maya, commons.TypeImport, commons.ImportData{Commons: lib, Commits: []commons.ImportedCommit{{Commit: c4, Identity: "git:ada@example.org", Subject: "later"}}})
	if got := w.st.Commons.Contribution(commons.ImportedID(lib, c4)).Contributor; got != ada.id {
		t.Fatalf("a later import credits %q", got)
	}
}

// TestImportAmendsUnknownCounts: a commit imported without line counts
// (a shallow clone's boundary) gets them from a later import that can read
// them, visibly in its history; counts that were known cannot be changed.
func TestImportAmendsUnknownCounts(t *testing.T) {
	w := newWorld(t)
	maya := w.agent(1, "admin", person{})
	ada := w.agent(2, "", person{})
	lib := w.must(maya, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	known, unknown, merge := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40)
	w.must(maya, commons.TypeImport, commons.ImportData{Commons: lib, Commits: []commons.ImportedCommit{
		{Commit: known, Identity: "git:ada@example.org", Files: 1, LinesAdded: 10},
		{Commit: unknown, Identity: "git:ada@example.org", NoStats: true},
		{Commit: merge, Identity: "git:ada@example.org", Merge: true, NoStats: true},
	}})
	fix := commons.LineCounts{Commit: unknown, Files: 3, LinesAdded: 40, LinesRemoved: 2}
	amend := func(a ...commons.LineCounts) commons.ImportData {
		return commons.ImportData{Commons: lib, Commits: []commons.ImportedCommit{}, Amends: a}
	}
	// Only a maintainer amends; counts that were read stay as read; only
	// imported commits, once each, merges without lines.
	w.refused(meent.EFORBIDDEN, ada, commons.TypeImport, amend(fix))
	w.refused(meent.ECONFLICT, maya, commons.TypeImport, amend(commons.LineCounts{Commit: known, LinesAdded: 99}))
	w.refused(meent.ERULE, maya, commons.TypeImport, amend(commons.LineCounts{Commit: strings.Repeat("d", 40), LinesAdded: 1}))
	w.refused(meent.ERULE, maya, commons.TypeImport, amend(fix, fix))
	w.refused(meent.ERULE, maya, commons.TypeImport, amend(commons.LineCounts{Commit: merge, LinesAdded: 1}))
	w.refused(meent.ERULE, maya, commons.TypeImport, amend(commons.LineCounts{Commit: unknown, LinesAdded: -1}))
	w.refused(meent.ERULE, maya, commons.TypeImport, amend(commons.LineCounts{Commit: "xyz"}))
	if k := w.st.Commons.Contribution(commons.ImportedID(lib, unknown)); !k.Import.NoStats || k.Quantities.LinesAdded != 0 {
		t.Fatalf("a refused amend changed %+v", k)
	}

	// An amend may come with new commits in the same event.
	later := strings.Repeat("e", 40)
	d := amend(fix)
	d.Commits = []commons.ImportedCommit{{Commit: later, Identity: "git:ada@example.org", LinesAdded: 1}}
	w.must(maya, commons.TypeImport, d)
	k := w.st.Commons.Contribution(commons.ImportedID(lib, unknown))
	if k.Import.NoStats || k.Import.Files != 3 || k.Quantities.LinesAdded != 40 || k.Quantities.LinesRemoved != 2 {
		t.Fatalf("amended contribution: %+v %+v", k.Import, k.Quantities)
	}
	last := k.History[len(k.History)-1]
	if len(k.History) != 2 || last.Action != "amend-lines" || last.Agent != maya.id || !strings.Contains(last.Reason, "+40 -2") {
		t.Fatalf("history: %+v", k.History)
	}
	if w.st.Commons.Contribution(commons.ImportedID(lib, later)) == nil {
		t.Fatal("the commit imported with the amend is missing")
	}
	// Once known, the counts are final.
	w.refused(meent.ECONFLICT, maya, commons.TypeImport, amend(fix))
	// The merge's unknown counts may become known zeros.
	w.must(maya, commons.TypeImport, amend(commons.LineCounts{Commit: merge}))
}
