package api

import (
	"reflect"
	"sync"
)

// fillPlans caches, per input type, what fillFromTree decided by
// reflection for each member name (decideField) and whether a type decodes
// itself (decodesItself): deciding them again for every key of every
// request was most of the fill's CPU. The Server keeps one; its entries
// are the program's input types, so it is bounded. Only names of the
// struct's own (visible) fields are cached, never a name a client sent
// that no field has: those are decided each time, so that no client can
// grow it.
type fillPlans struct {
	fields sync.Map // reflect.Type -> map[string]fieldDecision, read-only once stored
	custom sync.Map // reflect.Type -> bool
}

// fieldDecision is what fillStruct does with one body member: give up
// (encoding/json decodes the body), ignore it (index nil), or fill the
// field at index.
type fieldDecision struct {
	giveUp bool
	index  []int
}

// fieldsOf returns the decisions for the names of t's visible fields.
func (p *fillPlans) fieldsOf(t reflect.Type) map[string]fieldDecision {
	if m, ok := p.fields.Load(t); ok {
		return m.(map[string]fieldDecision)
	}
	m := map[string]fieldDecision{}
	for _, f := range reflect.VisibleFields(t) {
		m[f.Name] = decideField(t, f.Name)
	}
	p.fields.Store(t, m)
	return m
}

// customDecoded is decodesItself, cached.
func (p *fillPlans) customDecoded(t reflect.Type) bool {
	if c, ok := p.custom.Load(t); ok {
		return c.(bool)
	}
	c := decodesItself(t)
	p.custom.Store(t, c)
	return c
}
