package migrate

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Revision is one migration: a plain SQL file in the revisions directory
// named <id>_<slug>.sql, readable and editable by a person:
//
//	-- alchemy revision
//	-- id: 20261125071500
//	-- parent: 20261124093000
//	-- message: add users.email
//
//	-- +goose Up
//	ALTER TABLE users ADD COLUMN email VARCHAR(200);
//
//	-- +goose Down
//	ALTER TABLE users DROP COLUMN email;
//
// The parent of the first revision is "base". Ids are UTC timestamps
// (digits only), so that they sort and so that tools numbering their
// migrations (goose's -- +goose Up / Down annotations are used for the
// sections) can read the file names. Each statement ends with ";" at the
// end of a line.
type Revision struct {
	ID      string
	Parent  string // "" for the first revision (written "base")
	Message string
	Up      []string
	Down    []string
	// Notes are the header comments other than id, parent and message
	// (autogenerate's warnings).
	Notes []string
	Path  string
}

const (
	fileMarker = "-- alchemy revision"
	upMarker   = "-- +goose Up"
	downMarker = "-- +goose Down"
	baseName   = "base"
)

// ErrMultipleHeads is matched by the error for a revisions directory with
// more than one head (two revisions with the same parent, or two first
// revisions).
var ErrMultipleHeads = errors.New("migrate: multiple heads")

// History is the revisions of a directory, as one chain from base to head.
type History struct {
	// Chain lists the revisions from the first to the head.
	Chain []*Revision
	byID  map[string]int
}

// Head returns the last revision's id, or "" when there is none.
func (h *History) Head() string {
	if len(h.Chain) == 0 {
		return ""
	}
	return h.Chain[len(h.Chain)-1].ID
}

// index returns the position of revision id in the chain, -1 for base.
func (h *History) index(id string) (int, error) {
	if id == "" {
		return -1, nil
	}
	if i, ok := h.byID[id]; ok {
		return i, nil
	}
	var found []int
	for i, r := range h.Chain {
		if strings.HasPrefix(r.ID, id) {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return 0, fmt.Errorf("migrate: no revision %q", id)
	}
	return 0, fmt.Errorf("migrate: revision prefix %q is ambiguous", id)
}

// LoadHistory reads the revision files of dir (a missing directory is an
// empty history). It refuses a directory whose revisions do not form one
// chain: two heads, a parent that does not exist, or a duplicate id.
func LoadHistory(dir string) (*History, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return &History{byID: map[string]int{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	byID := map[string]*Revision{}
	children := map[string][]*Revision{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		r, err := ReadRevision(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if prev := byID[r.ID]; prev != nil {
			return nil, fmt.Errorf("migrate: revision id %s is used by %s and %s", r.ID, prev.Path, r.Path)
		}
		byID[r.ID] = r
		children[r.Parent] = append(children[r.Parent], r)
	}
	for _, r := range byID {
		if r.Parent != "" && byID[r.Parent] == nil {
			return nil, fmt.Errorf("migrate: revision %s (%s) names parent %s, which does not exist", r.ID, r.Path, r.Parent)
		}
	}
	var heads []string
	for _, r := range byID {
		if len(children[r.ID]) == 0 {
			heads = append(heads, r.ID+" ("+r.Message+")")
		}
	}
	sort.Strings(heads)
	if len(heads) > 1 {
		return nil, fmt.Errorf("%w in %s: %s; revisions must form one line — edit the parent of one of them to be the other (branches and merges are not supported)",
			ErrMultipleHeads, dir, strings.Join(heads, ", "))
	}
	h := &History{byID: map[string]int{}}
	for cur := ""; ; {
		next := children[cur]
		if len(next) == 0 {
			break
		}
		if len(next) > 1 {
			ids := make([]string, len(next))
			for i, r := range next {
				ids[i] = r.ID
			}
			sort.Strings(ids)
			return nil, fmt.Errorf("%w in %s: revisions %s share the parent %s", ErrMultipleHeads, dir, strings.Join(ids, ", "), orBase(cur))
		}
		h.byID[next[0].ID] = len(h.Chain)
		h.Chain = append(h.Chain, next[0])
		cur = next[0].ID
	}
	if len(h.Chain) != len(byID) {
		return nil, fmt.Errorf("migrate: revisions in %s form a cycle", dir)
	}
	return h, nil
}

func orBase(id string) string {
	if id == "" {
		return baseName
	}
	return id
}

// ReadRevision parses one revision file.
func ReadRevision(path string) (*Revision, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer f.Close()
	r := &Revision{Path: path}
	bad := func(line int, why string) error {
		return fmt.Errorf("migrate: %s:%d: %s", path, line, why)
	}
	section := 0 // 0 header, 1 up, 2 down
	var stmt []string
	flush := func(line int) error {
		if len(stmt) == 0 {
			return nil
		}
		return bad(line, "statement does not end with \";\" at the end of a line")
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trim := strings.TrimSpace(line)
		switch marker(trim) {
		case upMarker:
			if err := flush(n); err != nil {
				return nil, err
			}
			section = 1
			continue
		case downMarker:
			if err := flush(n); err != nil {
				return nil, err
			}
			section = 2
			continue
		}
		if section == 0 {
			if trim == "" || marker(trim) == fileMarker {
				continue
			}
			c, ok := strings.CutPrefix(trim, "--")
			if !ok {
				return nil, bad(n, "SQL before the \""+upMarker+"\" line")
			}
			c = strings.TrimSpace(c)
			k, v, _ := strings.Cut(c, ":")
			v = strings.TrimSpace(v)
			switch k {
			case "id":
				r.ID = v
			case "parent":
				if v != baseName {
					r.Parent = v
				}
			case "message":
				r.Message = v
			default:
				r.Notes = append(r.Notes, c)
			}
			continue
		}
		if len(stmt) == 0 && (trim == "" || strings.HasPrefix(trim, "--")) {
			continue
		}
		stmt = append(stmt, line)
		if strings.HasSuffix(trim, ";") {
			s := strings.TrimSpace(strings.Join(stmt, "\n"))
			s = strings.TrimSpace(strings.TrimSuffix(s, ";"))
			if section == 1 {
				r.Up = append(r.Up, s)
			} else {
				r.Down = append(r.Down, s)
			}
			stmt = nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("migrate: %s: %w", path, err)
	}
	if err := flush(n); err != nil {
		return nil, err
	}
	if r.ID == "" {
		return nil, bad(1, "no \"-- id:\" line")
	}
	if section == 0 {
		return nil, bad(n, "no \""+upMarker+"\" section")
	}
	return r, nil
}

// marker returns the marker line (fileMarker, upMarker, downMarker) that
// the trimmed line trim is, or "". Markers are recognised by their words,
// whatever the spaces around them, as goose reads its annotations:
// "--+goose Up" is the Up marker too, and so is read as one here (it
// would otherwise be a header note that Text writes back as the marker).
func marker(trim string) string {
	c, ok := strings.CutPrefix(trim, "--")
	if !ok {
		return ""
	}
	switch strings.Join(strings.Fields(c), " ") {
	case "alchemy revision":
		return fileMarker
	case "+goose Up":
		return upMarker
	case "+goose Down":
		return downMarker
	}
	return ""
}

// Text renders the revision file.
func (r *Revision) Text() string {
	var b strings.Builder
	b.WriteString(fileMarker + "\n")
	b.WriteString("-- id: " + r.ID + "\n")
	b.WriteString("-- parent: " + orBase(r.Parent) + "\n")
	b.WriteString("-- message: " + strings.ReplaceAll(r.Message, "\n", " ") + "\n")
	for _, n := range r.Notes {
		b.WriteString("-- " + strings.ReplaceAll(n, "\n", " ") + "\n")
	}
	b.WriteString("\n" + upMarker + "\n")
	for _, s := range r.Up {
		b.WriteString(s + ";\n\n")
	}
	b.WriteString(downMarker + "\n")
	for _, s := range r.Down {
		b.WriteString(s + ";\n\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

var slugChars = regexp.MustCompile(`[^a-z0-9]+`)

func slug(msg string) string {
	s := strings.Trim(slugChars.ReplaceAllString(strings.ToLower(msg), "_"), "_")
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "_")
	}
	if s == "" {
		s = "revision"
	}
	return s
}

// newID returns a timestamp id later than head.
func newID(now time.Time, head string) string {
	id := now.UTC().Format("20060102150405")
	if head != "" {
		h, err1 := strconv.ParseUint(head, 10, 64)
		n, err2 := strconv.ParseUint(id, 10, 64)
		if err1 == nil && err2 == nil && n <= h {
			id = strconv.FormatUint(h+1, 10)
		}
	}
	return id
}

// WriteRevision writes r into dir as <id>_<slug>.sql (creating dir) and
// sets r.Path. It refuses to overwrite a file.
func WriteRevision(dir string, r *Revision) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	path := filepath.Join(dir, r.ID+"_"+slug(r.Message)+".sql")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := f.WriteString(r.Text()); err != nil {
		f.Close()
		return fmt.Errorf("migrate: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	r.Path = path
	return nil
}
