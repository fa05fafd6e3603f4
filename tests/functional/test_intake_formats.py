"""Intake files as people have them: semicolons, food diaries' exports; warnings for odd days."""

from datetime import date, timedelta

import pytest

from wearsync.cli import main
from wearsync.errors import IntakeError
from wearsync.intake import read_intake_csv

# MyFitnessPal's "Nutrition" export (Reports > Export Data, file "Nutrition-Summary-....csv"): one
# row per meal, the day in the first column and "Calories" third, then the nutrients and a note.
MYFITNESSPAL = (
    "Date,Meal,Calories,Fat (g),Saturated Fat,Polyunsaturated Fat,Monounsaturated Fat,Trans Fat,"
    "Cholesterol,Sodium (mg),Potassium,Carbohydrates (g),Fiber,Sugar,Protein (g),Vitamin A,Vitamin C,"
    "Calcium,Iron,Note\n"
    "2023-07-01,Breakfast,412.0,12.1,3.2,1.1,4.0,0.0,180.0,420.0,310.0,55.0,6.0,12.0,18.0,5.0,2.0,15.0,10.0,\n"
    "2023-07-01,Lunch,655.5,20.0,6.0,3.0,8.0,0.0,60.0,900.0,500.0,80.0,9.0,6.0,35.0,10.0,30.0,12.0,20.0,\n"
    "2023-07-01,Dinner,780.0,30.0,9.0,4.0,12.0,0.0,95.0,1100.0,800.0,70.0,8.0,9.0,50.0,20.0,25.0,18.0,25.0,\n"
    "2023-07-01,Snacks,150.0,8.0,2.0,1.0,4.0,0.0,0.0,90.0,200.0,15.0,2.0,10.0,4.0,0.0,0.0,4.0,2.0,\n"
    "2023-07-02,Breakfast,380.0,10.0,3.0,1.0,4.0,0.0,170.0,400.0,300.0,50.0,6.0,11.0,17.0,5.0,2.0,15.0,10.0,\n"
    "2023-07-02,Dinner,1020.0,40.0,12.0,5.0,15.0,0.0,120.0,1300.0,900.0,90.0,10.0,12.0,60.0,20.0,30.0,20.0,30.0,"
    '"ate out, pizza"\n'
)
# Cronometer's daily nutrition export (More > Account > Export Data > Daily Nutrition,
# "dailysummary.csv"): one row a day, "Energy (kcal)" second, a "Completed" flag last.
CRONOMETER = (
    "Date,Energy (kcal),Alcohol (g),Caffeine (mg),Water (g),B1 (Thiamine) (mg),Net Carbs (g),"
    "Carbs (g),Fat (g),Protein (g),Completed\n"
    "2023-07-03,1876.42,0.00,95.00,2100.0,1.2,180.5,205.1,61.0,98.2,true\n"
    "2023-07-04,1540.00,14.00,0.00,1800.0,1.0,150.0,170.0,55.0,80.0,false\n"
)


def test_a_myfitnesspal_export_adds_up_its_meals_per_day(tmp_path):
    path = tmp_path / "Nutrition-Summary-2023-07-01-to-2023-07-02.csv"
    path.write_text(MYFITNESSPAL)
    # 412 + 655.5 + 780 + 150 = 1,997.5 -> 1,998 (halves up); 380 + 1,020 = 1,400
    assert read_intake_csv(path) == {date(2023, 7, 1): 1998, date(2023, 7, 2): 1400}


def test_a_cronometer_daily_summary_takes_its_energy_column(tmp_path):
    path = tmp_path / "dailysummary.csv"
    path.write_text(CRONOMETER)
    assert read_intake_csv(path) == {date(2023, 7, 3): 1876, date(2023, 7, 4): 1540}


def test_semicolons_separate_cells_too(tmp_path):
    path = tmp_path / "intake.csv"
    path.write_text("date;kcal\n2023-07-01;1850\n2023-07-02;1700.5\n")
    assert read_intake_csv(path) == {date(2023, 7, 1): 1850, date(2023, 7, 2): 1701}


def test_an_export_without_a_calories_column_is_named(tmp_path):
    path = tmp_path / "weights.csv"
    path.write_text("Date,Weight (kg),Body Fat\n2023-07-01,70.1,25\n")
    with pytest.raises(IntakeError, match="no calories column"):
        read_intake_csv(path)


def test_a_date_twice_in_a_plain_file_names_both_lines(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("2023-07-01,1850\n2023-07-02,1900\n2023-07-01,1700\n")
    with pytest.raises(IntakeError, match=r"2023-07-01 is given twice, on lines 1 and 3"):
        read_intake_csv(path)


def test_odd_days_are_stored_with_a_warning_on_stderr(tmp_path, capsys, store):
    tomorrow = date.today() + timedelta(days=1)
    path = tmp_path / "odd.csv"
    path.write_text(f"2023-07-01,0\n2023-07-02,1100\n2023-07-03,1850\n{tomorrow},1300\n")
    config = tmp_path / "config.toml"
    config.write_text('[wearer]\nsex = "female"\n')
    assert main(["--config", str(config), "log", "intake-csv", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "logged intake for 4 days" in out
    warnings = err.splitlines()
    assert warnings[0].startswith("warning: 2023-07-01: 0 kcal stored as a day of nothing eaten")
    # A woman's floor is 1,200 kcal a day.
    assert warnings[1] == "warning: 2023-07-02: 1,100 kcal is below the intake floor of 1,200 kcal a day (stored)"
    assert warnings[2] == f"warning: {tomorrow}: a day still to come (stored; a later entry replaces it)"
    assert len(warnings) == 3
    stored = dict(store.conn.execute("SELECT local_day, kcal FROM intake"))
    assert stored == {"2023-07-01": 0, "2023-07-02": 1100, "2023-07-03": 1850, tomorrow.isoformat(): 1300}


def test_one_entry_below_the_floor_warns_with_the_wearers_floor(tmp_path, capsys):
    config = tmp_path / "male.toml"
    config.write_text('[wearer]\nsex = "male"\n')
    assert main(["log", "intake", "1400.5", "--date", "2023-07-01", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert "logged 1,401 kcal eaten on 2023-07-01" in out
    assert err.strip() == "warning: 2023-07-01: 1,401 kcal is below the intake floor of 1,500 kcal a day (stored)"
