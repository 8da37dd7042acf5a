package pyval

import "math/big"

// Temporary stubs: each is replaced by its real implementation (and removed
// from here) as the object model is written. They let dependants compile.

var errTodo = &Exception{Type: "NotImplementedError", Msg: "not implemented yet"}

func Binary(ctx *Context, op Op, a, b Value) (Value, error)                  { return Value{}, errTodo }
func Unary(ctx *Context, op UnOp, a Value) (Value, error)                    { return Value{}, errTodo }
func Compare(ctx *Context, op CmpOp, a, b Value) (bool, error)               { return false, errTodo }
func Truth(v Value) bool                                                     { return false }
func Equal(ctx *Context, a, b Value) (bool, error)                           { return false, errTodo }
func Hash(v Value) (uint64, error)                                           { return 0, errTodo }
func Repr(ctx *Context, v Value) (string, error)                             { return "", errTodo }
func ToStr(ctx *Context, v Value) (string, error)                            { return "", errTodo }
func TypeName(v Value) string                                                { return "?" }
func GetItem(ctx *Context, x, index Value) (Value, error)                    { return Value{}, errTodo }
func GetSlice(ctx *Context, x, lo, hi, step Value) (Value, error)            { return Value{}, errTodo }
func GetAttr(ctx *Context, x Value, name string) (Value, error)              { return Value{}, errTodo }
func Call(ctx *Context, fn Value, args []Value, kw []Keyword) (Value, error) { return Value{}, errTodo }
func Iterate(ctx *Context, x Value, yield func(Value) error) error           { return errTodo }
func Len(ctx *Context, x Value) (int, error)                                 { return 0, errTodo }
func Contains(ctx *Context, container, item Value) (bool, error)             { return false, errTodo }
func FormatValue(ctx *Context, v Value, spec string) (string, error)         { return "", errTodo }
func NewList(items []Value) Value                                            { return Value{K: ListKind, O: &List{Items: items}} }
func NewTuple(items []Value) Value                                           { return Value{K: TupleKind, O: &Tuple{Items: items}} }
func NewDict() (*Dict, Value)                                                { d := &Dict{}; return d, Value{K: DictKind, O: d} }
func NewSet(frozen bool) (*Set, Value)                                       { s := &Set{}; return s, Value{K: SetKind, O: s} }
func NewRange(start, stop, step int64) (Value, error)                        { return Value{}, errTodo }
func NewFunc(f *Func) Value                                                  { return Value{K: FuncKind, O: f} }
func NewObject(o Object) Value                                               { return Value{K: ObjectKind, O: o} }
func NewIterator(it *Iterator) Value                                         { return Value{K: IterKind, O: it} }
func BigOf(v Value) *big.Int                                                 { return nil }
func (c *Context) Step(n int64) error                                        { return nil }
func (c *Context) CheckSize(n int) error                                     { return nil }
func RegisterMethod(k Kind, name string, fn func(ctx *Context, self Value, args []Value, kw []Keyword) (Value, error)) {
}

func (d *Dict) Get(ctx *Context, key Value) (Value, bool, error) { return Value{}, false, errTodo }
func (d *Dict) Set(ctx *Context, key, val Value) error           { return errTodo }
func (d *Dict) Len() int                                         { return 0 }
func (d *Dict) GetStr(name string) (Value, bool)                 { return Value{}, false }
func (d *Dict) SetStr(name string, v Value)                      {}
func (d *Dict) Keys() []Value                                    { return nil }
func (d *Dict) Items(f func(k, v Value) error) error             { return nil }
func (s *Set) Add(ctx *Context, v Value) error                   { return errTodo }
func (s *Set) Has(ctx *Context, v Value) (bool, error)           { return false, errTodo }
func (s *Set) Len() int                                          { return 0 }
func (s *Set) Items() []Value                                    { return nil }
func (it *Iterator) Next(ctx *Context) (Value, bool, error)      { return Value{}, false, errTodo }
