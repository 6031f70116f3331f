"""Django strings that users can meet but Django's Vietnamese catalogue leaves
untranslated; listing them here puts them into our own locale/vi catalogue."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_STRINGS_MISSING_IN_VI = [
    gettext_noop("Toggle navigation"),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Messages"),
    gettext_noop("Forbidden"),
    gettext_noop("CSRF verification failed. Request aborted."),
    gettext_noop("More information is available with DEBUG=True."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("“%(value)s” value must be a decimal number."),
    gettext_noop("“%(value)s” value must be an integer."),
    gettext_noop("“%(value)s” value must be a float."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Enter a valid JSON."),
    gettext_noop("Value must be valid JSON."),
    gettext_noop("ManagementForm data is missing or has been tampered with"),
    gettext_noop("The inline value did not match the parent instance."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("That page number is not an integer"),
    gettext_noop("That page number is less than 1"),
    gettext_noop("That page contains no results"),
    gettext_noop("Date out of range"),
    # Django's own Vietnamese for these reads badly ("số tổng thể"); ours wins
    # because LOCALE_PATHS comes before Django's catalogues.
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("This field is required."),
    # The admin lists' checkboxes, as a screen reader reads them.
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select this object for an action - {}"),
    # The admin's index, the user pages' help (Django 5.1+, not in vi yet).
    gettext_noop("Change or view list link"),
    gettext_noop("Add link"),
    gettext_noop(
        "After you’ve created a user, you’ll be able to edit more user options."  # noqa: RUF001
    ),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. "
        "If disabled, they may still be able to authenticate using other backends, "
        "such as Single Sign-On or LDAP."
    ),
    gettext_noop(
        "Raw passwords are not stored, so there is no way to see the user’s "  # noqa: RUF001
        "password."
    ),
    # The user-add page's password choice (Django 5.1+), and what every admin
    # page says to a screen reader (not in vi yet either).
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop(
        "Enable password-based authentication for this user by setting a password."
    ),
    gettext_noop("Skip to main content"),
    gettext_noop("Model name"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
]

# Third-party models' names, shown in the admin and on the group page's
# permissions (django-otp names its models in plain English strings).
THIRD_PARTY_STRINGS = [
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("TOTP device"),
    gettext_noop("static device"),
    gettext_noop("static token"),
]

DJANGO_PLURALS_REPHRASED_IN_VI = [
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "max",
    ),
]

# django-import-export ships no Vietnamese catalogue: its user-facing strings.
IMPORT_EXPORT_STRINGS = [
    gettext_noop("Import"),
    gettext_noop("Export"),
    gettext_noop("Export selected %(verbose_name_plural)s"),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen "
        "the correct format for the file."
    ),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data "
        "for import."
    ),
    gettext_noop("Resource"),
    gettext_noop("Format"),
    gettext_noop("File to import"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Select all"),
    gettext_noop("Submit"),
    gettext_noop(
        "Below is a preview of data to be imported. If you are satisfied with the "
        "results, click 'Confirm import'"
    ),
    gettext_noop("Confirm import"),
    gettext_noop("Errors"),
    gettext_noop("Line number"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it "
        "using the form above."
    ),
    gettext_noop("Row"),
    gettext_noop("Non field specific"),
    gettext_noop("Preview"),
    gettext_noop("New"),
    gettext_noop("Skipped"),
    gettext_noop("Update"),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("Value could not be parsed."),
    ngettext_lazy(
        "Export %(len)s selected item.", "Export %(len)s selected items.", "len"
    ),
]
