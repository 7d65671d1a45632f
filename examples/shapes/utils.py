def clean_name(name: str) -> str:
    return " ".join(name.split()).title()
