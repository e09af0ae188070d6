package allot

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pabulib is a participatory-budgeting instance in the Pabulib format
// (pabulib.org; Faliszewski et al., "Participatory Budgeting: Data, Tools,
// and Analysis", IJCAI 2023): a META section of key;value pairs, a
// PROJECTS section and a VOTES section, each starting with a header line
// of semicolon-separated column names, fields quoted as in CSV.
//
// Only what Equal Shares needs is kept: the budget, the projects' costs
// and whether the file marks them selected, and approval votes. Other
// columns are ignored; META is kept as it is.
type Pabulib struct {
	Meta     map[string]string
	Budget   int64
	Projects []PabulibProject
	Ballots  []Ballot
}

// PabulibProject is one row of PROJECTS.
type PabulibProject struct {
	ID       string
	Cost     int64
	Name     string
	Selected bool // the file's "selected" column is 1 (the official outcome)
}

// Limits on what ParsePabulib reads: the file is untrusted input.
const (
	maxPabulibBytes    = 64 << 20
	maxPabulibProjects = 10_000
	maxPabulibVoters   = 2_000_000
)

// ParsePabulib reads an instance in the Pabulib format. It refuses what is
// not well formed rather than guessing: missing sections or columns, a
// budget or cost that is not a whole number of at least 0 (costs at least
// 1), a vote_type other than approval, a project or voter twice, a vote
// for an unknown project, invalid UTF-8, more than 64 MiB, 10,000
// projects or 2,000,000 voters. Costs and the budget are whole units of
// the currency, as Pabulib files give them (fractional amounts are
// refused).
func ParsePabulib(r io.Reader) (*Pabulib, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPabulibBytes+1))
	if err != nil {
		return nil, fmt.Errorf("pabulib: %w", err)
	}
	if len(data) > maxPabulibBytes {
		return nil, errors.New("pabulib: the file is larger than 64 MiB")
	}
	if !utf8.Valid(data) {
		return nil, errors.New("pabulib: the file is not UTF-8")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	sections, err := pabulibSections(data)
	if err != nil {
		return nil, err
	}
	pb := &Pabulib{Meta: map[string]string{}}
	for _, row := range sections["META"].rows {
		if len(row) < 2 {
			return nil, errors.New("pabulib: a META line has no value")
		}
		k := strings.TrimSpace(row[0])
		if _, dup := pb.Meta[k]; dup {
			return nil, fmt.Errorf("pabulib: META key %q appears twice", k)
		}
		pb.Meta[k] = strings.TrimSpace(row[1])
	}
	if vt, ok := pb.Meta["vote_type"]; ok && vt != "approval" {
		return nil, fmt.Errorf("pabulib: vote_type %q; only approval is read", vt)
	}
	if pb.Budget, err = wholeUnits("budget", pb.Meta["budget"]); err != nil {
		return nil, err
	}
	proj := sections["PROJECTS"]
	idCol, costCol := proj.col("project_id"), proj.col("cost")
	nameCol, selCol := proj.col("name"), proj.col("selected")
	if idCol < 0 || costCol < 0 {
		return nil, errors.New("pabulib: PROJECTS has no project_id or cost column")
	}
	known := map[string]bool{}
	for _, row := range proj.rows {
		if len(pb.Projects) == maxPabulibProjects {
			return nil, errors.New("pabulib: more than 10,000 projects")
		}
		p := PabulibProject{ID: field(row, idCol), Name: field(row, nameCol)}
		if p.ID == "" || known[p.ID] {
			return nil, fmt.Errorf("pabulib: project ID %q is empty or appears twice", p.ID)
		}
		known[p.ID] = true
		if p.Cost, err = wholeUnits("cost of "+p.ID, field(row, costCol)); err != nil {
			return nil, err
		}
		if p.Cost < 1 {
			return nil, fmt.Errorf("pabulib: project %q costs nothing", p.ID)
		}
		switch s := field(row, selCol); s {
		case "", "0":
		case "1":
			p.Selected = true
		default:
			p.Selected = s != "0" // pabulib uses 2 for "selected by other means"
		}
		pb.Projects = append(pb.Projects, p)
	}
	votes := sections["VOTES"]
	voterCol, voteCol := votes.col("voter_id"), votes.col("vote")
	if voterCol < 0 || voteCol < 0 {
		return nil, errors.New("pabulib: VOTES has no voter_id or vote column")
	}
	seen := map[string]bool{}
	for _, row := range votes.rows {
		if len(pb.Ballots) == maxPabulibVoters {
			return nil, errors.New("pabulib: more than 2,000,000 voters")
		}
		b := Ballot{Voter: field(row, voterCol)}
		if b.Voter == "" || seen[b.Voter] {
			return nil, fmt.Errorf("pabulib: voter ID %q is empty or appears twice", b.Voter)
		}
		seen[b.Voter] = true
		if v := field(row, voteCol); v != "" {
			chosen := map[string]bool{}
			for _, a := range strings.Split(v, ",") {
				a = strings.TrimSpace(a)
				if !known[a] {
					return nil, fmt.Errorf("pabulib: voter %q votes for unknown project %q", b.Voter, a)
				}
				if chosen[a] {
					return nil, fmt.Errorf("pabulib: voter %q votes for %q twice", b.Voter, a)
				}
				chosen[a] = true
				b.Approvals = append(b.Approvals, a)
			}
		}
		pb.Ballots = append(pb.Ballots, b)
	}
	return pb, nil
}

// Instance returns the projects and ballots for EqualShares.
func (pb *Pabulib) Instance() (budget int64, projects []Project, ballots []Ballot) {
	for _, p := range pb.Projects {
		projects = append(projects, Project{ID: p.ID, Cost: p.Cost})
	}
	return pb.Budget, projects, pb.Ballots
}

// Selected returns the IDs the file marks as selected.
func (pb *Pabulib) Selected() []string {
	var out []string
	for _, p := range pb.Projects {
		if p.Selected {
			out = append(out, p.ID)
		}
	}
	return out
}

type section struct {
	header []string
	rows   [][]string
}

func (s section) col(name string) int {
	for i, h := range s.header {
		if strings.TrimSpace(h) == name {
			return i
		}
	}
	return -1
}

func field(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// pabulibSections splits the file at the lines META, PROJECTS and VOTES
// and reads each section's lines as semicolon-separated CSV.
func pabulibSections(data []byte) (map[string]section, error) {
	out := map[string]section{}
	var cur string
	var body bytes.Buffer
	flush := func() error {
		if cur == "" {
			return nil
		}
		cr := csv.NewReader(bytes.NewReader(body.Bytes()))
		cr.Comma = ';'
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = false
		rows, err := cr.ReadAll()
		if err != nil {
			return fmt.Errorf("pabulib: section %s: %w", cur, err)
		}
		if len(rows) == 0 {
			return fmt.Errorf("pabulib: section %s has no header", cur)
		}
		out[cur] = section{header: rows[0], rows: rows[1:]}
		body.Reset()
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxPabulibBytes)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch strings.TrimSpace(line) {
		case "META", "PROJECTS", "VOTES":
			if err := flush(); err != nil {
				return nil, err
			}
			cur = strings.TrimSpace(line)
			if _, dup := out[cur]; dup {
				return nil, fmt.Errorf("pabulib: section %s appears twice", cur)
			}
			continue
		}
		if cur == "" {
			if strings.TrimSpace(line) == "" {
				continue
			}
			return nil, errors.New("pabulib: the file does not start with META")
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pabulib: %w", err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	for _, s := range []string{"META", "PROJECTS", "VOTES"} {
		if _, ok := out[s]; !ok {
			return nil, fmt.Errorf("pabulib: no %s section", s)
		}
	}
	return out, nil
}

// wholeUnits reads a non-negative whole number ("1000000", "1000000.0").
func wholeUnits(what, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 && strings.Trim(s[i+1:], "0") == "" && i > 0 {
		s = s[:i]
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 || v > maxScaled/Scale {
		return 0, fmt.Errorf("pabulib: %s %q is not a whole amount", what, s)
	}
	return v, nil
}
