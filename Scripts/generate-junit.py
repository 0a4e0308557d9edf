#!/usr/bin/env python3
"""Writes a JUnit XML file with N failing tests (and N passing ones): half of the failures are one failure
seen N/2 times (grouped by BuildTriage into one entry with a count), the other half distinct.

    generate-junit.py OUT.xml [N]      (N defaults to 20000)
"""
import sys


def letters(number):
    result = ""
    while True:
        result = chr(97 + number % 26) + result
        number //= 26
        if number == 0:
            return result


def main():
    out = sys.argv[1]
    failures = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    identical = failures // 2
    suites = 50
    per_suite = failures // suites
    with open(out, "w", encoding="utf-8") as xml:
        xml.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        for suite in range(suites):
            xml.write(f'<testsuite name="com.example.suite{suite}.Test" tests="{per_suite * 2}" failures="{per_suite}">\n')
            for index in range(suite * per_suite, (suite + 1) * per_suite):
                xml.write(f'<testcase classname="com.example.suite{suite}.Test" name="passes{index}" time="0.001"/>\n')
                xml.write(f'<testcase classname="com.example.suite{suite}.Test" name="case{index}" time="0.010">')
                if index % 2 == 0 and index // 2 < identical:
                    xml.write('<failure type="java.net.ConnectException" message="Connection refused: db.internal:5432">'
                              'java.net.ConnectException: Connection refused: db.internal:5432\n\tat com.example.Db.connect(Db.java:42)</failure>')
                else:
                    word = letters(index)
                    xml.write(f'<failure type="AssertionError" message="expected state {word} but the service answered {word}x">'
                              f'AssertionError: expected state {word}\n\tat com.example.suite{suite}.Test.case{index}(Test.java:{index % 900 + 10})</failure>')
                xml.write('</testcase>\n')
            xml.write('</testsuite>\n')
        xml.write('</testsuites>\n')


if __name__ == "__main__":
    main()
