package http

import (
	"context"
	nethttp "net/http"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
)

// Peer production over the API: commons, contributions with their
// history, forks and their lineage, and the needs board. Writes are events
// like any other (POST /api/v1/events or /api/v1/actions); this file only
// reads. It reads the objects projection (meent.Store.Objects), which the
// sequencer keeps as the commons rules computed it, and adds what depends
// on the reader's clock (the time left on a claim) or on several objects
// (a fork's lineage).

// ScanLimit bounds how many objects a listing that filters or sorts in
// memory reads from the store (the store's own maximum).
const ScanLimit = 1000

// MaxLineage bounds how far up a chain of forks lineage looks.
const MaxLineage = 100

// DecodeObject decodes a stored object's document as the rules package
// wrote it.
func DecodeObject[T any](o meent.Object) (*T, error) {
	v := new(T)
	if err := jsonv2.Unmarshal(o.Data, v); err != nil {
		return nil, &meent.Error{Code: meent.EINTERNAL, Message: "internal error", Err: err}
	}
	return v, nil
}

// ParseID checks an object ID from a path: objects are named by the hash
// of the event that created them.
func ParseID(id, what string) error {
	if _, err := ledger.ParseHash(id); err != nil {
		return meent.Errorf(meent.EINVALID, "a %s ID is 64 lowercase hex digits", what)
	}
	return nil
}

// Objects reads stored domain objects for one request, each at most once.
type Objects struct {
	ctx   context.Context
	store meent.Store
	cache map[[2]string]any // (kind, id) -> *T, or nil when missing
}

// Store is the store the objects are read from.
func (o *Objects) Store() meent.Store { return o.store }

// Context is the request's context the objects are read in.
func (o *Objects) Context() context.Context { return o.ctx }

// NewObjects starts a request's object cache over st.
func NewObjects(ctx context.Context, st meent.Store) *Objects {
	return &Objects{ctx: ctx, store: st, cache: map[[2]string]any{}}
}

// Get reads and decodes the object of kind and id, once a request.
func Get[T any](o *Objects, kind, id string) (*T, error) {
	k := [2]string{kind, id}
	if v, ok := o.cache[k]; ok {
		if v == nil {
			return nil, meent.Errorf(meent.ENOTFOUND, "no %s %s", kind, id)
		}
		return v.(*T), nil
	}
	obj, err := o.store.Object(o.ctx, kind, id)
	if meent.ErrorCode(err) == meent.ENOTFOUND {
		o.cache[k] = nil
		return nil, meent.Errorf(meent.ENOTFOUND, "no %s %s", kind, id)
	}
	if err != nil {
		return nil, err
	}
	v, err := DecodeObject[T](obj)
	if err != nil {
		return nil, err
	}
	o.cache[k] = v
	return v, nil
}

// Commons reads a commons.
func (o *Objects) Commons(id string) (*commons.Commons, error) {
	return Get[commons.Commons](o, commons.KindCommons, id)
}

// Contribution reads a contribution.
func (o *Objects) Contribution(id string) (*commons.Contribution, error) {
	return Get[commons.Contribution](o, commons.KindContribution, id)
}

// Need reads a need.
func (o *Objects) Need(id string) (*commons.Need, error) {
	return Get[commons.Need](o, commons.KindNeed, id)
}

// Put remembers an object read by a listing.
func (o *Objects) Put(kind, id string, v any) { o.cache[[2]string{kind, id}] = v }

// List reads objects of one kind and decodes them.
func List[T any](o *Objects, f meent.ObjectFilter) ([]*T, error) {
	objs, err := o.store.Objects(o.ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(objs))
	for _, obj := range objs {
		v, err := DecodeObject[T](obj)
		if err != nil {
			return nil, err
		}
		o.Put(obj.Kind, obj.ID, v)
		out = append(out, v)
	}
	return out, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Upstream is a commons in a fork's ancestry, and the log index before
// which its contributions count for the fork: the earliest fork point on
// the way from the fork to it.
type Upstream struct {
	Commons *commons.Commons
	Before  int64
}

// Ancestry walks the fork chain above c, at most MaxLineage deep; a
// missing upstream ends it.
func Ancestry(o *Objects, c *commons.Commons) ([]Upstream, error) {
	var out []Upstream
	limit := int64(-1)
	for cur, depth := c, 0; cur.ForkOf != "" && depth < MaxLineage; depth++ {
		if limit < 0 || cur.ForkedAt < limit {
			limit = cur.ForkedAt
		}
		up, err := o.Commons(cur.ForkOf)
		if meent.ErrorCode(err) == meent.ENOTFOUND {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Upstream{Commons: up, Before: limit})
		cur = up
	}
	return out, nil
}

// Now is the server's wall clock (Options.Now, or time.Now).
func (s *Server) Now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// CommonsOf reads the {id} of a request about one commons, checks that the
// commons exists, and returns the objects reader it was found with.
func (s *Server) CommonsOf(r *nethttp.Request) (string, *Objects, error) {
	id := r.PathValue("id")
	if err := ParseID(id, "commons"); err != nil {
		return id, nil, err
	}
	o := NewObjects(r.Context(), s.node.Store())
	_, err := o.Commons(id)
	return id, o, err
}
