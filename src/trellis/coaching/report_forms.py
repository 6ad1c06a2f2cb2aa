"""Forms of the class data reports: bring a class in, share a report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from trellis.coaching.class_reports import MAX_FILE_BYTES, MAX_LEVEL
from trellis.core.schoolyear import school_year_choices, school_year_of
from trellis.org.models import Staff

_MB = MAX_FILE_BYTES // 1_048_576


def _limited(upload: UploadedFile | None) -> UploadedFile | None:
    if upload is not None and (upload.size or 0) > MAX_FILE_BYTES:
        raise forms.ValidationError(
            f"The file is {(upload.size or 0) / 1_048_576:.1f} MB; the limit is {_MB} MB."
        )
    return upload


class ReportImportForm(forms.Form):
    teacher = forms.ModelChoiceField(queryset=Staff.objects.none(), empty_label=None)
    title = forms.CharField(
        max_length=200,
        help_text="What the class and the assessment are, e.g. “Grade 4 math, unit 3”.",
    )
    school_year = forms.ChoiceField(choices=(), label="School year")
    scale_min = forms.IntegerField(
        min_value=0, max_value=MAX_LEVEL - 1, initial=1, label="Lowest level"
    )
    scale_max = forms.IntegerField(
        min_value=1, max_value=MAX_LEVEL, initial=4, label="Highest level",
        help_text="The levels your results use; most standards-based grading runs 1 to 4.",
    )  # fmt: skip
    file = forms.FileField(
        label="Results file",
        help_text="A CSV with the header “student_code,standard,level”; or OneRoster 1.2 "
        "results.csv (then add lineItems.csv below), or one zip holding both. Student codes "
        f"only, never names. UTF-8, up to {_MB} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.zip,text/csv,application/zip"}),
    )
    line_items = forms.FileField(
        required=False,
        label="OneRoster lineItems.csv (only with results.csv)",
        help_text="Each line item names its standard in metadata.standard, learningObjectiveSet "
        "or the start of its title.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, teachers: list[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["school_year"].choices = school_year_choices(today, 2, 1)  # type: ignore[attr-defined]
        self.initial.setdefault("school_year", school_year_of(today))
        field = self.fields["teacher"]
        field.queryset = Staff.objects.filter(pk__in=[t.pk for t in teachers])  # type: ignore[attr-defined]
        field.help_text = "Yourself, or a teacher you coach."
        if teachers:
            self.initial.setdefault("teacher", teachers[0].pk)

    def clean_file(self) -> UploadedFile | None:
        return _limited(self.cleaned_data.get("file"))

    def clean_line_items(self) -> UploadedFile | None:
        return _limited(self.cleaned_data.get("line_items"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is not None and high is not None and low >= high:
            self.add_error("scale_max", "The highest level must be above the lowest.")
        return cleaned


class ReportShareForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        label="Share with (username)",
        help_text="A mentor, your coach or a colleague. Your evaluator can never be added.",
    )
