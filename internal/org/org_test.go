package org

import "testing"

func TestMasking(t *testing.T) {
	for in, want := range map[string]string{"张三明": "张*明", "张三": "张*", "欧阳小明": "欧**明", "李": "李", "": ""} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}
