package org

import "testing"

func TestMasking(t *testing.T) {
	for in, want := range map[string]string{"张三明": "张*明", "张三": "张*", "欧阳小明": "欧**明", "李": "李", "": ""} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := MaskPhone("13800000010"); got != "138****0010" {
		t.Errorf("MaskPhone = %q", got)
	}
	for phone, ok := range map[string]bool{"13800000010": true, "12800000010": false, "1380000001": false, "138000000100": false, "1380000001a": false} {
		if ValidPhone(phone) != ok {
			t.Errorf("ValidPhone(%q) != %v", phone, ok)
		}
	}
}
