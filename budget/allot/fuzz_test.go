package allot

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParsePabulib: a Pabulib file is untrusted input. Whatever it holds,
// the parser returns an error or an instance that Equal Shares accepts.
func FuzzParsePabulib(f *testing.F) {
	files, _ := filepath.Glob("testdata/pabulib/*.pb")
	for _, p := range files[:1] {
		data, _ := os.ReadFile(p)
		f.Add(data[:min(len(data), 4000)])
	}
	f.Add([]byte("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\n2;6\nVOTES\nvoter_id;vote\n1;1,2\n2;2\n"))
	f.Add([]byte("META\nkey;value\nbudget;10.0\nPROJECTS\nproject_id;cost;name\n\"a;b\";5;\"x\"\"y\"\nVOTES\nvoter_id;vote\n1;\"a;b\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pb, err := ParsePabulib(bytes.NewReader(data))
		if err != nil {
			return
		}
		budget, ps, bs := pb.Instance()
		if _, err := EqualShares(budget, ps, bs, Options{Completion: CompleteNone}); err != nil {
			t.Fatalf("parsed instance refused: %v", err)
		}
	})
}

func TestParsePabulibRefuses(t *testing.T) {
	head := "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n"
	for name, s := range map[string]string{
		"no votes section": "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\n",
		"fraction":         "META\nkey;value\nbudget;10.5\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n",
		"unknown project":  head + "1;2\n",
		"voter twice":      head + "1;1\n1;1\n",
		"vote twice":       head + "1;1,1\n",
		"not approval":     "META\nkey;value\nbudget;10\nvote_type;ordinal\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n",
		"bad utf8":         head + "1;\xff\n",
		"garbage first":    "hello\n" + head,
		"zero cost":        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;0\nVOTES\nvoter_id;vote\n",
	} {
		if _, err := ParsePabulib(bytes.NewReader([]byte(s))); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
